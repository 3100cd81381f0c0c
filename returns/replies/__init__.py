"""Forces' replies coming in by themselves (README: Replies): read (parse), matched to their
request (match), given a suggested kind (classify), stored and filed (store), fetched from the
charity's mailbox (mailbox), and confirmed by staff (confirm); an attached table is imported
from the request page (attached)."""
