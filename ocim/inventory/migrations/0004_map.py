# The map's grid cell of each actor (ocim.inventory.map_grid), filled for the rows already there.

from django.db import migrations, models


def fill_map_cells(apps, schema_editor):
    from ocim.inventory.map_grid import map_cell

    Actor = apps.get_model("inventory", "Actor")
    located = Actor.objects.filter(latitude__isnull=False, longitude__isnull=False)
    batch = []
    for actor in located.only("pk", "latitude", "longitude").iterator(chunk_size=2000):
        actor.map_cell = map_cell(actor.latitude, actor.longitude)
        batch.append(actor)
        if len(batch) >= 2000:
            Actor.objects.bulk_update(batch, ["map_cell"])
            batch = []
    if batch:
        Actor.objects.bulk_update(batch, ["map_cell"])


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0003_directory'),
    ]

    operations = [
        migrations.AddField(
            model_name='actor',
            name='map_cell',
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name='map cell'),
        ),
        migrations.AddIndex(
            model_name='actor',
            index=models.Index(fields=['map_cell'], include=['latitude', 'longitude', 'id', 'family', 'type', 'status', 'region', 'department'], name='inventory_actor_map_cell'),
        ),
        migrations.RunPython(fill_map_cells, migrations.RunPython.noop),
    ]
