
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_position_post'),
        ('relocation', '0003_progress_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='household',
            name='cadre',
            field=models.ForeignKey(blank=True, help_text='The cadre who works with this household until it signs (包户): their figures count it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='org.person', verbose_name='responsible cadre (包户干部)'),
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['cadre', 'signed_on'], name='reloc_household_cadre_idx'),
        ),
    ]
