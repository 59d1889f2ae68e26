"""Classification rules in the back office: a rule and its conditions on one form; a regular
expression that does not compile, an empty condition or a rule that attaches nothing is refused
with a message and nothing written."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from ocim.watch.models import ClassificationRule, ConditionField, ConditionOperator

from .admin_builders import concept, territories, user_with_role

pytestmark = pytest.mark.django_db

ADD = "/admin/watch/rules/new/"


@pytest.fixture
def curator_client(client):
    client.force_login(user_with_role("watch-curator"))
    return client


def rule_data(conditions, **overrides):
    data = nested_form_data({"conditions": inline_formset(conditions)})
    data.update(
        {
            "name": "Expositions en Auvergne-Rhône-Alpes",
            "active": "on",
            "match": "all",
            "action": "classify",
            "concepts": [str(concept().pk)],
            "families": [],
            "regions": [],
            "departments": [],
        }
    )
    data.update(overrides)
    return data


def condition(value, operator="contains", field="title", negate=False):
    row = {"field": field, "operator": operator, "value": value}
    if negate:
        row["negate"] = "on"
    return row


def test_a_rule_is_saved_with_its_conditions(curator_client):
    places = territories()
    response = curator_client.post(
        ADD,
        rule_data(
            [condition("exposition"), condition(r"\b(Lyon|Grenoble)\b", "regex", "summary")],
            regions=["84"],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    rule = ClassificationRule.objects.get()
    assert list(rule.regions.all()) == [places["ara"]]
    assert [(c.field, c.operator) for c in rule.conditions.all()] == [
        (ConditionField.TITLE, ConditionOperator.CONTAINS),
        (ConditionField.SUMMARY, ConditionOperator.REGEX),
    ]


@pytest.mark.parametrize(
    "pattern",
    ["(musée", "[a-", "*x", "a{2,1}", r"(a)\1", "musée(?= de)", "x" * 501],
)
def test_a_regular_expression_the_classifier_cannot_run_is_refused(curator_client, pattern):
    response = curator_client.post(ADD, rule_data([condition(pattern, "regex")]))
    assert response.status_code == 200
    errors = response.context["form"].formsets["conditions"].forms[0].errors
    assert "value" in errors
    assert not ClassificationRule.objects.exists()


def test_a_rule_that_leaves_entries_out_attaches_nothing(curator_client):
    response = curator_client.post(
        ADD, rule_data([condition("offre d'emploi")], action="exclude", concepts=[])
    )
    assert response.status_code == 302, response.context["form"].errors
    assert ClassificationRule.objects.get().action == "exclude"
    response = curator_client.post(
        ADD, rule_data([condition("recrutement")], name="Recrutements", action="exclude")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert ClassificationRule.objects.count() == 1
    response = curator_client.post(
        ADD, rule_data([condition("stage")], name="Stages", action="tout effacer", concepts=[])
    )
    assert response.status_code == 200
    assert "action" in response.context["form"].errors
    assert ClassificationRule.objects.count() == 1


def test_plain_text_is_not_read_as_a_regular_expression(curator_client):
    response = curator_client.post(ADD, rule_data([condition("(musée")]))
    assert response.status_code == 302


def test_a_rule_that_attaches_nothing_or_has_no_condition_is_refused(curator_client):
    response = curator_client.post(ADD, rule_data([condition("musée")], concepts=[]))
    assert response.status_code == 200
    assert not ClassificationRule.objects.exists()
    response = curator_client.post(ADD, rule_data([condition("   ")]))
    assert response.status_code == 200
    response = curator_client.post(ADD, rule_data([]))
    assert response.status_code == 200
    assert not ClassificationRule.objects.exists()


def test_staff_without_the_role_are_refused(client):
    client.force_login(user_with_role("editor"))
    response = client.post(ADD, rule_data([condition("musée")]))
    assert response.status_code in (302, 403)
    assert not ClassificationRule.objects.exists()


# --- Trying a rule on the latest items ---------------------------------------------------------

TRIAL = "/admin/watch/rules/trial/"


def trial_data(conditions, **overrides):
    data = {"match": "all", "action": "classify", "conditions-TOTAL_FORMS": str(len(conditions))}
    for index, row in enumerate(conditions):
        for key, value in row.items():
            data[f"conditions-{index}-{key}"] = value
    data.update(overrides)
    return data


@pytest.fixture
def latest_items():
    from .admin_builders import SourceFactory, item

    press = SourceFactory(title="Presse régionale")
    return [
        item(source=press, title="Le muséum recrute un médiateur"),
        item(source=press, title="Offre d'emploi : régisseur", summary="CDD de six mois."),
        item(source=press, title="Le jardin botanique rouvre", summary="Offre spéciale."),
    ]


def test_the_form_offers_to_try_the_rule(curator_client):
    page = curator_client.get(ADD).content.decode()
    assert 'id="rule-trial"' in page and "form-preview.js" in page


def test_a_rule_is_tried_on_the_latest_items_as_typed(curator_client, latest_items):
    response = curator_client.post(
        TRIAL,
        trial_data(
            [
                condition(r"\b(recrute|emploi)\b", "regex"),
                # Deleted in the form: not part of the trial.
                {**condition("jardin"), "DELETE": "on"},
            ],
            action="exclude",
        ),
    )
    assert response.status_code == 200
    trial = response.context["trial"]
    assert (trial.tried, trial.matched) == (3, 2)
    assert [item.title for item in trial.shown] == [
        "Offre d'emploi : régisseur",
        "Le muséum recrute un médiateur",
    ]
    assert response.context["excludes"]
    # Any condition, negated, on another field: the same matcher as the classifier's.
    response = curator_client.post(
        TRIAL,
        trial_data(
            [condition("offre", field="summary"), condition("recrute", negate=True)],
            match="any",
        ),
    )
    assert response.context["trial"].matched == 2  # all but the recruiting one
    assert not ClassificationRule.objects.exists()


@pytest.mark.parametrize(
    "conditions",
    [
        [],
        [condition("(musée", "regex")],
        [condition("  ")],
        [{"field": "partout", "operator": "contains", "value": "x"}],
    ],
)
def test_an_unusable_rule_answers_why(curator_client, latest_items, conditions):
    response = curator_client.post(TRIAL, trial_data(conditions))
    assert response.status_code == 400
    assert 'id="rule-trial-error"' in response.content.decode()


def test_staff_without_the_role_cannot_try_rules(client):
    client.force_login(user_with_role("editor"))
    assert client.post(TRIAL, trial_data([condition("x")])).status_code == 403
