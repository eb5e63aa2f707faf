
from django.db import migrations, models

#: Positions that existed before the field: the post their unit's name or their title named.
WORDS = (("招商", "investment"), ("征迁", "relocation"), ("项目", "project"))


def set_posts(apps, schema_editor):
    Position = apps.get_model("org", "Position")
    for word, post in WORDS:
        Position.objects.filter(post="").filter(
            models.Q(unit__name__contains=word) | models.Q(title__contains=word)
        ).update(post=post)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0004_sort_order_ranges'),
    ]

    operations = [
        migrations.AddField(
            model_name='position',
            name='post',
            field=models.CharField(blank=True, choices=[('investment', 'Investment attraction post (招商岗)'), ('relocation', 'Land acquisition post (征迁岗)'), ('project', 'Project post (项目岗)')], default='', max_length=16, verbose_name='front-line post'),
        ),
        migrations.AddIndex(
            model_name='position',
            index=models.Index(condition=models.Q(('post', ''), _negated=True), fields=['post', 'unit'], name='org_position_post_idx'),
        ),
        migrations.RunPython(set_posts, migrations.RunPython.noop),
    ]
