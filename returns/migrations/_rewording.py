"""Rewording the default email templates that staff left as they were (migrations 0016 and
0018): a template still worded exactly as an old default becomes the current default
(returns/defaults.py); one staff edited is left as they wrote it. Django's migration loader
skips this module: its name starts with "_"."""

from returns.defaults import EMAIL_TEMPLATES


def reword(apps, before, after):
    EmailTemplate = apps.get_model("returns", "EmailTemplate")
    for (key, regime), (subject, body) in before.items():
        new_subject, new_body = after[key, regime]
        rows = EmailTemplate.objects.filter(key=key, regime=regime)
        rows.filter(subject=subject, body=body).update(subject=new_subject, body=new_body)


def rewording(old_templates):
    """A migration's (forward, backward) for RunPython: `old_templates`, {(key, regime):
    (subject, body)} as they were worded, to the current defaults and back."""

    def forward(apps, schema_editor):
        reword(apps, old_templates, EMAIL_TEMPLATES)

    def backward(apps, schema_editor):
        reword(apps, {key: EMAIL_TEMPLATES[key] for key in old_templates}, old_templates)

    return forward, backward
