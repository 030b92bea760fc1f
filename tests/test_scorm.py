"""`kurs scorm`: the SCORM 1.2 package, played inside a test LMS in Chromium.

The LMS side is the SCORM 1.2 runtime of npm `scorm-again` (node_modules/, installed by
`npm ci`), in a page that frames the unpacked package, as Moodle does. Every call the
package makes (LMSInitialize, LMSSetValue, LMSCommit, LMSFinish) is recorded in order.
No server but a local static one.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import best_run, option_button, outside_requests, play_case

from widgets.authoring.library import compiled_case
from widgets.play.engine import Playthrough

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
LIMIT = 4096  # SCORM 1.2: cmi.suspend_data is a CMIString4096

LMS_PAGE = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>Test-LMS</title>
<script src="scorm12.min.js"></script>
<script>
  // What a real LMS keeps between two visits of the same learner.
  var KEEP = ["suspend_data"], saved = JSON.parse(sessionStorage.getItem("lms") || "null");
  window.calls = [];
  window.API = new Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
  API.cmi.core.student_id = "ansatt-1";
  API.cmi.core.student_name = "Ansatt, Test";
  if (saved) API.loadFromJSON(saved);
  function keep() {
    var c = API.cmi.core;
    sessionStorage.setItem("lms", JSON.stringify({ suspend_data: API.cmi.suspend_data,
      core: { lesson_status: c.lesson_status, lesson_location: c.lesson_location, entry: "resume",
              score: { raw: c.score.raw, min: c.score.min, max: c.score.max } } }));
  }
  ["LMSInitialize", "LMSCommit", "LMSFinish"].forEach(function (name) {
    API.on(name, function () { calls.push([name]); if (name != "LMSInitialize") keep(); });
  });
  API.on("LMSSetValue.cmi.*", function (key, value) { calls.push(["set", key, String(value)]); });
</script></head>
<body><iframe id="sco" title="Kurs" src="pakke/scorm.html" style="width:100%;height:95vh"></iframe></body></html>
"""


@pytest.fixture(scope="session")
def scorm_zip(book_html, tmp_path_factory):
    out = tmp_path_factory.mktemp("scorm") / "kurs.zip"
    done = subprocess.run([sys.executable, "-m", "widgets", "scorm", "--bok", str(book_html), "--ut", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SCORM-pakken er lagret" in done.stdout
    return out


@pytest.fixture(scope="session")
def lms(scorm_zip, tmp_path_factory):
    """The test LMS over plain HTTP: /lms.html frames /pakke/scorm.html."""
    site = tmp_path_factory.mktemp("lms")
    with zipfile.ZipFile(scorm_zip) as zf:
        zf.extractall(site / "pakke")
    assert RUNTIME.is_file(), "scorm-again mangler: kjør «npm ci»"
    (site / "scorm12.min.js").write_bytes(RUNTIME.read_bytes())
    (site / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# -- the package -------------------------------------------------------------------------

def test_manifest_is_scorm_1_2_with_one_sco_and_every_file(scorm_zip):
    with zipfile.ZipFile(scorm_zip) as zf:
        names = zf.namelist()
        root = ET.fromstring(zf.read("imsmanifest.xml"))
    assert names[0] == "imsmanifest.xml"
    assert root.tag == CP + "manifest"
    assert root.findtext(f"{CP}metadata/{CP}schema") == "ADL SCORM"
    assert root.findtext(f"{CP}metadata/{CP}schemaversion") == "1.2"
    orgs = root.find(CP + "organizations")
    org = orgs.find(CP + "organization")
    assert orgs.get("default") == org.get("identifier")
    assert org.findtext(CP + "title") == "Tidlig og sammen"
    items = org.findall(CP + "item")
    resources = root.findall(f"{CP}resources/{CP}resource")
    assert len(items) == 1 and len(resources) == 1, "one SCO for the whole course"
    item, sco = items[0], resources[0]
    assert item.get("identifierref") == sco.get("identifier")
    assert item.findtext(ADLCP + "masteryscore") == "50", "minste_poeng in _config.yml"
    assert sco.get(ADLCP + "scormtype") == "sco" and sco.get("type") == "webcontent"
    assert sco.get("href") == "scorm.html"
    listed = {f.get("href") for f in sco.findall(CP + "file")}
    assert listed == set(names) - {"imsmanifest.xml"}
    assert {"scorm.html", "intro.html", "kursbevis.html", "_static/scorm.js", "_static/progress.js",
            "saker/skolegutt-forteller.json"} <= listed
    assert not [n for n in names if n.startswith("_sources/") or n.endswith((".buildinfo", ".map"))]


def test_manifest_is_valid_against_the_scorm_1_2_schemas(scorm_zip, tmp_path):
    """tests/data/scorm12/: the ADL and IMS schemas of a SCORM 1.2 package."""
    import shutil

    import xmlschema

    for xsd in (ROOT / "tests" / "data" / "scorm12").glob("*.xsd"):
        shutil.copy(xsd, tmp_path)
    # ims_xml.xsd binds the default namespace to the reserved XML namespace, which XML 1.0
    # namespaces forbid (and ElementTree refuses); it declares the same attributes without.
    xml_xsd = tmp_path / "ims_xml.xsd"
    xml_xsd.write_text(xml_xsd.read_text(encoding="utf-8").replace(
        'xmlns="http://www.w3.org/XML/1998/namespace"', ""), encoding="utf-8")
    schema = xmlschema.XMLSchema(str(tmp_path / "imscp_rootv1p1p2.xsd"),
                                 locations=[(ADLCP.strip("{}"), str(tmp_path / "adlcp_rootv1p2.xsd"))])
    with zipfile.ZipFile(scorm_zip) as zf:
        manifest = zf.read("imsmanifest.xml").decode("utf-8")
    assert [e.reason for e in schema.iter_errors(manifest)] == []
    # The check can fail: a SCORM type that does not exist, an element out of place.
    assert list(schema.iter_errors(manifest.replace('adlcp:scormtype="sco"', 'adlcp:scormtype="lesson"')))
    assert list(schema.iter_errors(manifest.replace("</schemaversion>", "</schemaversion><kurs/>")))


class _Refs(HTMLParser):
    """Every URL a browser loads by itself from a page: src, link href, srcset, CSS url()."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "data", "poster"):
            if a.get(name):
                self.urls.append(a[name])
        if tag == "link" and a.get("href"):
            self.urls.append(a["href"])
        if a.get("srcset"):
            self.urls += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if a.get("style"):
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", a["style"])


def test_package_loads_nothing_from_outside(scorm_zip):
    """Every page, style sheet and the manifest refer only to files in the package.
    (Links the learner may click, such as Lovdata, are <a href> and load nothing.)"""
    outside = []
    with zipfile.ZipFile(scorm_zip) as zf:
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8", "replace")
            if name.endswith(".html"):
                refs = _Refs()
                refs.feed(text)
                urls = refs.urls + re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
            elif name.endswith(".css"):
                urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
            elif name == "imsmanifest.xml":
                urls = re.findall(r'href="([^"]+)"', text)
            else:
                continue
            outside += [f"{name}: {u}" for u in urls if urlsplit(u).scheme not in ("", "data") or u.startswith("//")]
    assert not outside, outside[:10]


# -- in the LMS --------------------------------------------------------------------------

def _book(page):
    """The frame with the book, inside the package's frame, inside the LMS."""
    page.wait_for_function("() => { var f = document.getElementById('sco').contentDocument;"
                           " var g = f && f.getElementById('kurs-ramme');"
                           " return g && g.contentDocument && g.contentDocument.querySelector('#kurs-data'); }")
    return page.frame_locator("#sco").frame_locator("#kurs-ramme")


def test_scorm_session_reports_choices_score_status_and_resumes(page, lms):
    outside = outside_requests(page)
    page.goto(lms + "/lms.html")
    book = _book(page)
    calls = page.evaluate("calls")
    assert calls[0] == ["LMSInitialize"]
    assert ["set", "cmi.core.lesson_status", "incomplete"] in calls
    # Play one case, with a not-advised choice first and the recommended ones after.
    case_id = "skolegutt-forteller"
    compiled = compiled_case(case_id, ROOT / "cases")
    page.frame_locator("#sco").locator("#kurs-ramme").evaluate(
        f"f => f.contentWindow.location.href = 'ovelser/{case_id}.html'")
    book.locator(".cp-option").first.wait_for()
    first = compiled["scenes"][compiled["start"]]["decision"]
    wrong = next(o for o in first["options"] if o["verdict"] == "not_advised")
    option_button(book, wrong["label"]).click()
    book.locator(".cp-restart").click()
    choices, labels = best_run(compiled)
    play_case(book, choices, labels)
    book.locator(".cp-summary").wait_for()
    page.frame_locator("#sco").locator("#kurs-ramme").evaluate("f => f.contentWindow.location.reload()")
    _book(page).locator(".cp-summary").wait_for()  # the page loaded again
    page.frame_locator("#sco").locator("#kurs-ramme").evaluate("f => f.remove()")  # nothing more from the book
    page.locator("#sco").evaluate("f => f.src = 'about:blank'")  # the learner leaves: the SCO unloads
    page.wait_for_function("calls.some(c => c[0] == 'LMSFinish')")
    calls = page.evaluate("calls")

    sets = [c for c in calls if c[0] == "set"]
    by_n: dict[str, dict[str, str]] = {}
    for _, key, value in sets:
        m = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", key)
        if m:
            by_n.setdefault(m.group(1), {})[m.group(2)] = value
    got = [(i["id"], i["type"], i["student_response"], i["result"]) for _, i in sorted(by_n.items(), key=lambda kv: int(kv[0]))]
    start = compiled["start"]
    expected = [(f"{case_id}.{start}", "choice", wrong["id"], "wrong")]
    play = Playthrough(compiled)
    for option in choices:
        while not play.needs_choice:
            play.proceed()
        expected.append((f"{case_id}.{play.scene_id}", "choice", option, "correct"))
        play.choose(option)
    assert got == expected

    value = {key: v for _, key, v in sets}
    summary = play.summary()
    pct = round(100 * sum(s["points"] for s in summary["scores"]) / sum(s["max"] for s in summary["scores"]))
    assert (value["cmi.core.score.raw"], value["cmi.core.score.min"], value["cmi.core.score.max"]) == (str(pct), "0", "100")
    # One exercise of three and no module: the requirements are not met yet.
    assert value["cmi.core.lesson_status"] == "incomplete"
    assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}", value["cmi.core.session_time"])
    assert value["cmi.core.exit"] == "suspend"
    assert value["cmi.core.lesson_location"] == f"ovelser/{case_id}.html"
    order = [c[0] if c[0] != "set" else c[1] for c in calls]
    first_interaction = next(i for i, k in enumerate(order) if k.startswith("cmi.interactions."))
    score = order.index("cmi.core.score.raw")
    assert order[0] == "LMSInitialize" and first_interaction > 0
    assert first_interaction < score < order.index("LMSCommit", score) < order.index("LMSFinish")
    assert order[-1] == "LMSFinish" and order[-2] == "LMSCommit"
    suspend = value["cmi.suspend_data"]
    assert len(suspend) < 1000 and "Tanker" not in suspend and "Ansatt" not in suspend

    # The next visit, on a PC that has never seen this learner: all from suspend_data.
    page.evaluate("localStorage.clear()")
    page.goto(lms + "/lms.html")
    book = _book(page)
    assert page.frame_locator("#sco").locator("#kurs-ramme").evaluate(
        "f => f.contentWindow.location.pathname.endsWith('ovelser/skolegutt-forteller.html')"), "lesson_location"
    book.locator(".cp-summary").wait_for()
    assert book.locator(".cp-answers li").count() == len(choices)
    side = book.locator(".bd-sidebar-primary .kurs-fremdrift")
    assert "1 av 12" in side.text_content(), side.text_content()
    assert not outside


def test_outside_an_lms_the_package_is_just_the_book(page, lms):
    page.goto(lms + "/pakke/scorm.html")
    page.frame_locator("#kurs-ramme").locator(".kurs-fremdrift").first.wait_for()
    assert page.evaluate("typeof window.KursSCORM") == "undefined"
    assert page.locator("#kurs-ramme").evaluate("f => f.contentWindow.location.pathname").endswith("/intro.html")


def _longest_state(compiled: dict) -> dict:
    """The saved state at the ending of the longest way through a case (most scenes and choices)."""
    best: list = []

    def walk(play: Playthrough, choices: list[str]):
        nonlocal best
        if play.finished:
            if (len(play.path), len(choices)) > (len(best[0].path), len(best[1])) if best else True:
                best = [play, choices]
            return
        if play.needs_choice:
            for option in play.decision["options"]:
                nxt = Playthrough(compiled, play.state())
                nxt.choose(option["id"])
                walk(nxt, [*choices, option["id"]])
            return
        nxt = Playthrough(compiled, play.state())
        nxt.proceed()
        walk(nxt, choices)

    walk(Playthrough(compiled), [])
    return best[0].state()


def test_longest_course_state_fits_suspend_data(page, lms, book_html):
    """Every module and exercise done with full marks, every case at its longest ending."""
    course = json.loads((book_html / "kurs-fremdrift.json").read_text(encoding="utf-8"))
    states, record = {}, {"m": {m[0]: 1 for m in course["m"]}, "x": {}}
    for case_id, _, _ in course["x"]:
        compiled = compiled_case(case_id, ROOT / "cases")
        states[case_id] = _longest_state(compiled)
        play = Playthrough(compiled, states[case_id])
        record["x"][case_id] = {s["dimension"]: [s["max"], s["max"]] for s in play.summary()["scores"]}
    page.goto(lms + "/lms.html")
    _book(page)
    length = page.frame_locator("#sco").locator("#kurs-ramme").evaluate("""async (f, [states, record]) => {
        var S = window.KursSCORM, P = f.contentWindow.CasePlayer || window.CasePlayer;
        for (const id of Object.keys(states)) {
          const c = await (await fetch('saker/' + id + '.json')).json();
          S.state(new P.Playthrough(c, states[id]));
        }
        S.progress({ r: record, s: { scored: true, pct: 100, complete: true, ok: true } });
        return window.parent.API.cmi.suspend_data.length;
    }""", [states, record])
    print(f"\nLengste suspend_data: {length} tegn (grense {LIMIT})")
    assert length <= LIMIT * 3 // 4, length  # 23 cases, every one at its longest path: well under the cap
    calls = page.evaluate("calls")
    assert ["set", "cmi.core.lesson_status", "passed"] in calls


def test_scorm_without_a_built_book_says_what_to_do(tmp_path):
    done = subprocess.run([sys.executable, "-m", "widgets", "scorm", "--bok", str(tmp_path), "--ut",
                           str(tmp_path / "kurs.zip")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert f"Feil: Fant ikke den bygde boka i {tmp_path} — kjør «kurs build» først" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr and not (tmp_path / "kurs.zip").exists()
