"""Geography from files in the layouts the ONS and the DfE publish, written small by the test."""

import json

import pytest
from django.core.management import CommandError, call_command
from pyproj import Transformer

from safeguarding.places.models import Area, AreaKind, Postcode, School
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,oseast1m,osnrth1m,lsoa11,lsoa21,lat,long\n"


def _square(lon, lat, size=0.01):
    return [
        [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    ]


@pytest.fixture
def ons_files(tmp_path):
    rows = [
        # in the area, with latitude and longitude
        "SN151AA,SN15 1AA,SN15 1AA,202001,,E06000054,E05008371,391000,173000,E01031000,"
        "E01031001,51.4605,-2.1255",
        "SN151AB,SN15 1AB,SN15 1AB,202001,,E06000054,E05008372,391500,173500,E01031000,"
        "E01031002,51.4705,-2.1155",
        # in the area, no latitude (99.999999): placed from its grid reference
        "SN151AD,SN15 1AD,SN15 1AD,202001,,E06000054,E05008372,391600,173600,E01031000,"
        "E01031002,99.999999,0.000000",
        # another authority (Swindon)
        "SN1 1AA,SN1  1AA,SN1 1AA,202001,,E06000030,E05008999,415000,184000,E01015000,"
        "E01015001,51.558,-1.782",
    ]
    (tmp_path / "onspd.csv").write_text(HEADER + "\n".join(rows) + "\n")
    lsoas = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"LSOA21CD": code, "LSOA21NM": f"Wiltshire {code[-3:]}"},
                "geometry": {"type": "Polygon", "coordinates": _square(lon, 51.46)},
            }
            for code, lon in (("E01031001", -2.13), ("E01031002", -2.12), ("E01015001", -1.79))
        ],
    }
    (tmp_path / "lsoa.geojson").write_text(json.dumps(lsoas))
    wards = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"WD24CD": code, "WD24NM": name},
                "geometry": {"type": "Polygon", "coordinates": _square(lon, 51.46, 0.02)},
            }
            for code, name, lon in (
                ("E05008371", "Chippenham Hardenhuish", -2.14),
                ("E05008372", "Chippenham Monkton", -2.12),
            )
        ],
    }
    (tmp_path / "wards.geojson").write_text(json.dumps(wards))
    easting, northing = TO_GRID.transform(-2.1, 51.45)
    gias = (
        "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
        "PhaseOfEducation (name),Postcode,Easting,Northing,DistrictAdministrative (code)\n"
        f"126500,Sheldon School,Academy converter,Open,Secondary,SN14 6HJ,{easting:.0f},"
        f"{northing:.0f},E06000054\n"
        f"126501,Old School,Community school,Closed,Primary,SN15 1AA,{easting:.0f},"
        f"{northing:.0f},E06000054\n"
        "126502,Swindon Academy,Academy,Open,Secondary,SN1 1AA,415000,184000,E06000030\n"
    )
    (tmp_path / "gias.csv").write_bytes(gias.encode("cp1252"))
    return tmp_path


def test_the_ons_and_gias_files_load_cut_to_the_area(ons_files):
    home = LocationFactory(postcode="SN15 1AA", latitude=None, longitude=None)
    away = LocationFactory(postcode="SN1 1AA", latitude=None, longitude=None)
    call_command(
        "geography",
        onspd=ons_files / "onspd.csv",
        local_authorities=["E06000054"],
        lsoa_boundaries=ons_files / "lsoa.geojson",
        ward_boundaries=ons_files / "wards.geojson",
        schools=ons_files / "gias.csv",
    )
    stored = {p.postcode: p for p in Postcode.objects.all()}
    assert set(stored) == {"SN15 1AA", "SN15 1AB", "SN15 1AD", "SN1 1AA"}
    # the 2021 LSOA is preferred to the 2011 one; the ward's name is the community area
    assert stored["SN15 1AA"].small_area == "E01031001"
    assert stored["SN15 1AA"].community_area == "Chippenham Hardenhuish"
    assert stored["SN15 1AA"].in_area is True
    # placed from its easting and northing (OSGB36) when the directory gives no latitude
    longitude, latitude = TO_GRID.transform(391600, 173600, direction="INVERSE")
    assert stored["SN15 1AD"].latitude == pytest.approx(latitude, abs=1e-6)
    assert stored["SN15 1AD"].longitude == pytest.approx(longitude, abs=1e-6)
    assert 51.4 < latitude < 51.5 and -2.2 < longitude < -2.1
    # another authority's postcode: kept, placed, out of area, no small area
    assert (stored["SN1 1AA"].in_area, stored["SN1 1AA"].small_area) == (False, "")

    small = {a.code: a for a in Area.objects.filter(kind=AreaKind.LSOA)}
    assert set(small) == {"E01031001", "E01031002"}  # Swindon's LSOA left out
    assert small["E01031002"].parent.name == "Chippenham Monkton"
    assert small["E01031002"].boundary["type"] == "Polygon"
    assert set(
        Area.objects.filter(kind=AreaKind.COMMUNITY_AREA).values_list("code", flat=True)
    ) == {
        "E05008371",
        "E05008372",
    }
    school = School.objects.get()
    assert (school.urn, school.name, school.phase) == ("126500", "Sheldon School", "Secondary")
    assert school.latitude == pytest.approx(51.45, abs=0.0001)
    home.refresh_from_db()
    away.refresh_from_db()
    assert (home.in_area, home.area_code) == (True, "E01031001")
    assert away.in_area is False


def test_a_file_in_another_layout_is_refused_with_what_it_needs(ons_files):
    (ons_files / "other.csv").write_text("postcode,latitude\nSN15 1AA,51.4\n")
    with pytest.raises(CommandError, match="ONS Postcode Directory layout"):
        call_command("geography", onspd=ons_files / "other.csv", local_authorities=["E06000054"])


def test_an_area_with_no_postcodes_is_refused(ons_files):
    with pytest.raises(CommandError, match="check the local authority codes"):
        call_command("geography", onspd=ons_files / "onspd.csv", local_authorities=["E09000001"])
