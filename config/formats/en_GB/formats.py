"""en-GB formats with times on the 24-hour clock ("21:08", never "9:06 p.m."), for every admin and
staff page; Django's own en_GB module supplies the rest (README: dates as 23 Nov 2026 / 23/11/2026).
"""

DATE_FORMAT = "j M Y"  # 23 Nov 2026
TIME_FORMAT = "H:i"  # 21:08
DATETIME_FORMAT = "j M Y, H:i"  # 23 Nov 2026, 21:08
SHORT_DATE_FORMAT = "d/m/Y"  # 23/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 23/11/2026 21:08
