"""The training demo builds a bilingual catalogue with sessions and registrations, once."""

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from ocim.core.demo import demo_site_ensure
from ocim.core.models import Commune, Department, Region, StandardPage
from ocim.training import demo_content
from ocim.training.demo import training_demo_ensure
from ocim.training.models import (
    CourseIndexPage,
    CoursePage,
    Registration,
    Session,
    TailorMadeRequest,
)


def _communes():
    region = Region.objects.create(code="99", name="Région de démonstration")
    codes = {spec[2] for course in demo_content.COURSES for spec in course["sessions"]}
    for code in sorted(code for code in codes if code):
        department, _c = Department.objects.get_or_create(
            code=code[:2], defaults={"name": f"Département {code[:2]}", "region": region}
        )
        Commune.objects.create(
            insee_code=code,
            name=f"Ville {code}",
            search_name=f"ville {code}",
            department=department,
        )


class TrainingDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_site_ensure()
        _communes()
        cls.report = training_demo_ensure()

    def test_builds_catalogue_courses_and_sessions(self):
        assert not self.report.skipped
        index_fr = CourseIndexPage.objects.get(locale__language_code="fr")
        index_en = CourseIndexPage.objects.get(locale__language_code="en")
        assert index_fr.live and index_en.live
        assert index_en.title == "Training"
        courses = CoursePage.objects.live()
        assert courses.count() >= 10
        assert len({course.format for course in courses}) >= 4
        assert all(course.price_options.exists() for course in courses)
        assert all(course.trainers.exists() for course in courses)
        assert Session.objects.count() >= 25
        today = timezone.localdate()
        past = [s for s in Session.objects.all() if s.ends_on < today]
        assert past and len(past) < Session.objects.count()
        hybrid = Session.objects.get(
            course__slug="collections-en-fluide", parts__mode="remote", parts__date__gt=today
        )
        assert {part.mode for part in hybrid.parts.all()} == {"onsite", "remote"}

    def test_registrations_in_many_states(self):
        states = set(Registration.objects.values_list("status", flat=True))
        assert {
            "pending",
            "confirmed",
            "attended",
            "no_show",
            "waitlisted",
            "cancelled",
            "declined",
            "offered",
        } <= states
        # Attendance is only recorded on sessions that have taken place.
        today = timezone.localdate()
        for registration in Registration.objects.filter(status__in=("attended", "no_show")):
            assert registration.session.starts_on <= today

    def test_pages_render(self):
        index = CourseIndexPage.objects.get(locale__language_code="fr")
        response = self.client.get(index.url)
        assert response.status_code == 200
        assert "Montage ostéologique" in response.content.decode()
        course = CoursePage.objects.get(slug="collections-en-fluide")
        assert self.client.get(course.url).status_code == 200
        assert self.client.get("/en/training/sessions.ics").status_code == 200

    def test_training_mission_page_leads_to_the_catalogue(self):
        for language, slug in (("fr", "formation"), ("en", "training")):
            index = CourseIndexPage.objects.get(locale__language_code=language)
            mission = StandardPage.objects.get(slug=slug, locale__language_code=language)
            response = self.client.get(mission.url)
            assert response.status_code == 200
            assert f'href="{index.url}"' in response.content.decode()
            with translation.override(language):
                request_url = reverse("training:tailormade_request")
            assert f'href="{request_url}"' in response.content.decode()

    def test_tailor_made_requests_at_every_step_and_a_private_session(self):
        requests = TailorMadeRequest.objects.all()
        assert set(requests.values_list("status", flat=True)) == {
            "new",
            "qualified",
            "quote_sent",
            "won",
            "lost",
        }
        won = requests.get(status="won")
        session = won.session
        assert session.is_private and session.invitations.count() == 3
        assert session.registrations.count() == 1
        # A private session stays out of the public catalogue.
        index = CourseIndexPage.objects.get(locale__language_code="fr")
        response = self.client.get(index.url)
        assert f"/sessions/{session.pk}/" not in response.content.decode()

    def test_second_run_changes_nothing(self):
        counts = (
            CoursePage.objects.count(),
            Session.objects.count(),
            Registration.objects.count(),
            TailorMadeRequest.objects.count(),
        )
        second = training_demo_ensure()
        assert second.created == []
        assert counts == (
            CoursePage.objects.count(),
            Session.objects.count(),
            Registration.objects.count(),
            TailorMadeRequest.objects.count(),
        )

    def test_english_catalogue_lists_the_french_courses_sessions(self):
        index = CourseIndexPage.objects.get(locale__language_code="en")
        response = self.client.get(index.url)
        text = response.content.decode()
        assert response.status_code == 200
        assert "Upcoming sessions" in text
        assert "Montage ostéologique" in text


@pytest.mark.django_db
def test_skips_without_a_site():
    report = training_demo_ensure()
    assert report.skipped and not report.created
