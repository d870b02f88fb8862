"""Accessibility checks with axe-core (npm, MPL-2.0) inside the real browser.

axe-core is fetched once with ``npm pack`` into a cache outside the repository
(``$PASI_TEST_NPM`` or ``~/.cache/pasi/npm``), its tarball checked against a pinned SHA-256,
and injected into the page under test; the page's Content-Security-Policy (which allows no
inline script) must be bypassed by the browser context for that (``bypass_csp=True``).
A missing axe-core is fetched, never skipped: the check must run wherever the tests run.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tarfile
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_TARBALL_SHA256 = "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"
# Read at import: each test's HOME is a temporary one.
CACHE = Path(os.environ.get("PASI_TEST_NPM") or Path.home() / ".cache" / "pasi" / "npm")
SERIOUS = ("serious", "critical")


def axe_script() -> Path:
    """axe.min.js of the pinned version, fetched and verified the first time."""
    script = CACHE / f"axe-core-{AXE_VERSION}.min.js"
    if script.is_file():
        return script
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.is_file():
        subprocess.run(["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(CACHE)],
                       check=True, capture_output=True, timeout=300)  # fmt: skip
    data = tarball.read_bytes()
    found = hashlib.sha256(data).hexdigest()
    if found != AXE_TARBALL_SHA256:
        raise RuntimeError(f"{tarball} has SHA-256 {found}, not the pinned {AXE_TARBALL_SHA256}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise RuntimeError(f"{tarball} holds no package/axe.min.js")
        script.write_bytes(member.read())
    return script


_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}"""


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))
    return [v for v in page.evaluate(_RUN) if v["impact"] in SERIOUS]
