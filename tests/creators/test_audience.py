"""Audience quality: the model on held-out generated data, strict file parsing, and the
import endpoint on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pintuan.core.errors import ValidationFailed
from pintuan.creators import audience as a
from pintuan.creators.audience_file import parse_csv, parse_json
from tests import factories as f
from tests.creators import helpers as c

HEADER = "followers,following,posts,account_age_days,default_avatar,bio\n"
REAL_ROW = "310,280,900,1600,false,tea lover in Hangzhou\n"
BOUGHT_ROW = "3,2400,0,20,true,\n"


def test_the_generator_is_reproducible_and_labels_both_classes():
    rows, labels = a.generate(400, seed=1)
    again, labels_again = a.generate(400, seed=1)
    assert rows == again
    assert np.array_equal(labels, labels_again)
    assert labels.sum() == 200
    assert a.generate(400, seed=2)[0] != rows


def test_held_out_precision_recall_and_f1_per_class():
    rows, labels = a.generate(4_000, seed=99)
    got = a.scores(labels, a.default_model().predict(a.matrix(rows)))
    for name in ("real", "bought"):
        assert got[name]["support"] == 2_000
        assert got[name]["precision"] > 0.9, got
        assert got[name]["recall"] > 0.9, got


def test_obvious_profiles_are_classified_as_expected():
    real = a.Follower(310, 280, 900, 1600, default_avatar=False, has_bio=True)
    bought = a.Follower(3, 2400, 0, 20, default_avatar=True, has_bio=False)
    assert a.default_model().predict(a.matrix([real, bought])).tolist() == [0, 1]


def test_growth_spikes():
    assert a.growth_spikes([100, 110, 121, 130, 3130, 3140, 3150]) == [4]
    assert a.growth_spikes([100, 200, 300, 400, 500]) == []
    assert a.growth_spikes([5, 6]) == []


def test_csv_and_json_files_parse_strictly():
    sample = parse_csv((HEADER + REAL_ROW + BOUGHT_ROW).encode())
    assert [x.has_bio for x in sample.followers] == [True, False]
    doc = {"followers": [{"followers": 1, "following": 2, "posts": 3, "account_age_days": 4,
                          "default_avatar": True, "has_bio": False}],
           "daily_followers": [1, 2, 3], "avg_likes": 40, "avg_comments": 4}
    parsed = parse_json(json.dumps(doc).encode())
    assert (parsed.avg_likes, parsed.daily_followers) == (40, [1, 2, 3])
    bad = [
        (HEADER + "x,1,1,1,false,\n" + "1,1,1,1,maybe,\n", "followers"),
        ("followers,following\n1,2\n", "posts"),
        (HEADER.replace("bio", "bio,color") + "1,1,1,1,false,,red\n", "color"),
        (HEADER + "-1,1,1,1,false,\n", "followers"),
        (HEADER + "1,1,1,1,false,,extra\n", None),
        ("", None),
        (HEADER, None),
    ]
    for text, field in bad:
        with pytest.raises(ValidationFailed) as err:
            parse_csv(text.encode())
        assert err.value.code == "bad_audience_file"
        if field:
            assert field in {e["field"] for e in err.value.extra["errors"]}
    for body in (b"{", b"[]", b'{"followers": [1]}', b'{"followers": [], "x": 1}',
                 b'{"followers": []}', b'{"followers": [{"followers": true}]}',
                 json.dumps(doc | {"daily_followers": [-1]}).encode(),
                 json.dumps(doc | {"avg_likes": 1.5}).encode()):
        with pytest.raises(ValidationFailed):
            parse_json(body)
    with pytest.raises(ValidationFailed):
        parse_csv(b"\xff\xfe")


def _upload(h, m, cr, body, content_type="text/csv"):
    return h.client.post(f"/v1/creators/{cr['id']}/audience", content=body,
                         headers=f.auth(m) | {"content-type": content_type})


def test_import_scores_the_sample(h):
    m = f.merchant(h)
    peer = c.creator(h, m)
    cr = c.creator(h, m)
    peer_doc = {"followers": [{"followers": 300, "following": 200, "posts": 500,
                               "account_age_days": 900, "default_avatar": False,
                               "has_bio": True}], "avg_likes": 360, "avg_comments": 0}
    assert _upload(h, m, peer, json.dumps(peer_doc), "application/json").status_code == 201
    rows = REAL_ROW * 80 + BOUGHT_ROW * 20
    r = _upload(h, m, cr, HEADER + rows)
    assert r.status_code == 201, r.text
    report = r.json()
    assert (report["sample_size"], report["bought_share_bps"]) == (100, 2000)
    assert report["mass_follower_share_bps"] == 2000
    assert (report["tier"], report["followers"], report["engagement_bps"]) == ("micro", 12_000,
                                                                               None)
    doc = {"followers": [{"followers": 3, "following": 2400, "posts": 0,
                          "account_age_days": 20, "default_avatar": True, "has_bio": False}],
           "daily_followers": [1000, 1010, 1020, 1031, 9031, 9040], "avg_likes": 220,
           "avg_comments": 20}
    r = _upload(h, m, cr, json.dumps(doc), "application/json; charset=utf-8")
    report = r.json()
    assert (report["bought_share_bps"], report["growth_spike_days"]) == (10_000, [4])
    assert (report["engagement_bps"], report["tier_median_engagement_bps"]) == (200, 300)
    listed = h.client.get(f"/v1/creators/{cr['id']}/audience", headers=f.auth(m)).json()
    assert [x["sample_size"] for x in listed] == [1, 100]


def test_bad_audience_files_write_nothing(h):
    m, other = f.merchant(h), f.merchant(h)
    cr = c.creator(h, m)
    for body, ctype, status, code in (
            (HEADER + "x,1,1,1,false,\n", "text/csv", 422, "bad_audience_file"),
            ("{", "application/json", 422, "bad_audience_file"),
            ("a,b", "application/xml", 415, "unsupported_media_type"),
            (HEADER + REAL_ROW * 140_000, "text/csv", 413, "audience_file_too_large")):
        r = _upload(h, m, cr, body, ctype)
        assert (r.status_code, r.json()["code"]) == (status, code)
        assert r.headers["content-type"] == "application/problem+json"
    r = _upload(h, m, cr, HEADER + "x,1,1,1,false,\n")
    assert r.json()["errors"] == [{"row": 1, "field": "followers",
                                   "msg": "must be a whole number"}]
    r = _upload(h, other, cr, HEADER + REAL_ROW)
    assert (r.status_code, r.json()["code"]) == (404, "creator_not_found")
    assert h.client.get(f"/v1/creators/{cr['id']}/audience", headers=f.auth(m)).json() == []
