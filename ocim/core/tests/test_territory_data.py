"""The shipped territory files themselves: every commune's point lies on the right side of the
meridian for its department, and names keep their leading article."""

import csv
import json

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
