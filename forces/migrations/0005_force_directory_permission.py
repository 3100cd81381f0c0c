from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('forces', '0004_mail_domains'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='force',
            options={'ordering': ['name'], 'permissions': [('edit_force_directory', "Can edit a force's name, codes, nation, regime, kind and active flag")]},
        ),
    ]
