"""The shipped territory files themselves: every commune has a point, on the right side of the
meridian for its department and inside it, and names keep their leading article."""

import csv
import json
import math

from ocim.core.selectors import GEO_DATA_DIR


def _boxes() -> dict[str, tuple[float, float, float, float]]:
    def points(coordinates):
        if isinstance(coordinates[0], int | float):
            yield coordinates
        else:
            for part in coordinates:
                yield from points(part)

    with (GEO_DATA_DIR / "departements.geojson").open(encoding="utf-8") as file:
        features = json.load(file)["features"]
    boxes = {}
    for feature in features:
        xs, ys = zip(*points(feature["geometry"]["coordinates"]), strict=True)
        boxes[feature["properties"]["code"]] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def _communes() -> dict[str, dict]:
    with (GEO_DATA_DIR / "communes.csv").open(encoding="utf-8") as file:
        return {row["insee_code"]: row for row in csv.DictReader(file)}


def test_no_commune_point_has_a_longitude_of_the_wrong_sign():
    boxes, margin = _boxes(), 0.05

    def inside(box, x, y):
        return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin

    flipped = []
    for code, row in _communes().items():
        if not row["latitude"]:
            continue
        box, x, y = boxes[row["departement_code"]], float(row["longitude"]), float(row["latitude"])
        if not inside(box, x, y) and inside(box, -x, y):
            flipped.append(code)
    assert flipped == []
    communes = _communes()
    for code in ("97102", "97128", "97129"):  # Anse-Bertrand, Sainte-Anne, Sainte-Rose
        assert -61.9 < float(communes[code]["longitude"]) < -61.0


def test_commune_names_keep_their_article():
    communes = _communes()
    assert communes["76351"]["name"] == "Le Havre"
    assert communes["97101"]["name"] == "Les Abymes"
    assert communes["01001"]["name"] == "L'Abergement-Clémenciat"
    assert communes["69123"]["postal_codes"].split()[0] == "69001"  # Lyon's districts


def _department_rings() -> dict[str, list[list[list[float]]]]:
    with (GEO_DATA_DIR / "departements.geojson").open(encoding="utf-8") as file:
        features = json.load(file)["features"]
    rings = {}
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings[feature["properties"]["code"]] = [polygon[0] for polygon in polygons]
    return rings


def _inside(x: float, y: float, rings) -> bool:
    for ring in rings:
        crossings = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                crossings = not crossings
        if crossings:
            return True
    return False


def _distance(x: float, y: float, rings) -> float:
    def segment(x1, y1, x2, y2):
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy
        t = 0 if length == 0 else max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / length))
        return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))

    return min(
        segment(*start, *end)
        for ring in rings
        for start, end in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def test_every_commune_point_lies_in_its_department():
    """The fallback point of an actor's commune: a homonym's point, a latitude copied into the
    longitude or a lost sign put dozens of communes hundreds of kilometres away (Cuy, Oise, in
    Kazakhstan). Near the simplified boundary (tolerance 0.005°), 0.1° of leeway."""
    rings = _department_rings()
    far, missing = [], []
    for code, row in _communes().items():
        if not row["latitude"] or not row["longitude"]:
            missing.append(code)
            continue
        x, y = float(row["longitude"]), float(row["latitude"])
        department = rings[row["departement_code"]]
        if not _inside(x, y, department) and _distance(x, y, department) > 0.1:
            far.append(code)
    assert far == [] and missing == []
    communes = _communes()
    assert (float(communes["60192"]["latitude"]), float(communes["60192"]["longitude"])) == (
        49.6188,
        2.85761,
    )
