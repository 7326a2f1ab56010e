"""Loading the synthetic county's geography and placing locations on it."""

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from safeguarding.places.geography import load_geography
from safeguarding.places.models import Area, AreaKind, Postcode, School
from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import REFERENCE_END
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def geography_dir(tmp_path_factory):
    county = tmp_path_factory.mktemp("county")
    build_county(out_dir=county, seed=3, scale="small", window_end=REFERENCE_END)
    return county / "geography"


def test_loading_the_geography_places_locations_and_can_be_repeated(geography_dir):
    postcodes = pd.read_csv(geography_dir / "postcodes.csv", dtype=str)
    home = postcodes[postcodes["in_county"] == "True"].iloc[0]
    away = postcodes[postcodes["in_county"] == "False"].iloc[0]
    at_home = LocationFactory(postcode=home["postcode"], latitude=None, longitude=None)
    far_away = LocationFactory(postcode=away["postcode"], latitude=None, longitude=None)
    unknown = LocationFactory(postcode="ZZ9 9ZZ", latitude=None, longitude=None)

    summary = load_geography(geography_dir)
    assert summary.postcodes == Postcode.objects.count() == len(postcodes)
    assert summary.locations_placed == 2
    at_home.refresh_from_db()
    far_away.refresh_from_db()
    unknown.refresh_from_db()
    assert (at_home.in_area, at_home.area_code) == (True, home["small_area"])
    assert at_home.latitude == pytest.approx(float(home["latitude"]))
    assert far_away.in_area is False
    # Not in the directory, and no postcode of its district is inside the area: out of area.
    assert (unknown.in_area, unknown.area_code) == (False, "")

    load_geography(geography_dir)
    assert Postcode.objects.count() == len(postcodes)
    small = Area.objects.filter(kind=AreaKind.LSOA)
    assert small.count() == summary.small_areas and all(a.parent_id for a in small[:20])
    assert School.objects.count() == summary.schools > 0


def test_a_folder_without_postcodes_is_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="postcodes.csv is missing"):
        call_command("geography", str(tmp_path))
