"""A PNG of an HTML page, full height, taken by headless Chromium through selenium.

Uses the Debian packages (`/usr/bin/chromium`, `/usr/bin/chromedriver`) with a fresh profile and
everything that would reach the network switched off, so a screenshot is the page as an e-mail
reader would see it offline.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..errors import MissingDependency, ScenariosError

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--hide-scrollbars", "--force-device-scale-factor=1")
MAX_HEIGHT = 30_000


def screenshot(html: str, path: str | Path, *, width: int = 1280, chromium: str | None = None,
               chromedriver: str | None = None) -> Path:
    """Render `html` in headless Chromium and save a full-page PNG at `path`; returns the path.

    `chromium` and `chromedriver` default to the Debian paths, else whatever is on `PATH`.

    Raises:
        MissingDependency: Chromium, chromedriver or selenium is not installed.
        ScenariosError: The browser failed to start or to render.
    """
    binary, driver_path = _require(chromium, chromedriver)
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise MissingDependency("Для снимка нужен пакет selenium: установите его "
                                "(./dev demo или pip install 'scenarios[demo]').") from None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scenarios-shot-") as tmp:
        page = Path(tmp) / "digest.html"
        page.write_text(html, encoding="utf-8")
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={Path(tmp) / 'profile'}")
        options.add_argument(f"--window-size={width},900")
        try:
            driver = webdriver.Chrome(service=Service(driver_path), options=options)
        except WebDriverException as exc:
            raise ScenariosError(f"Не удалось запустить Chromium для снимка: {_first_line(exc)}") from None
        try:
            driver.get(page.as_uri())
            height = int(driver.execute_script(
                "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"))
            driver.set_window_size(width, min(max(height, 600), MAX_HEIGHT))
            if not driver.save_screenshot(str(path)):
                raise ScenariosError(f"Chromium не сохранил снимок в {path}.")
        except WebDriverException as exc:
            raise ScenariosError(f"Chromium не смог отрисовать дайджест: {_first_line(exc)}") from None
        finally:
            driver.quit()
    return path


def _require(chromium: str | None, chromedriver: str | None) -> tuple[str, str]:
    binary = _find(chromium, CHROMIUM, ("chromium", "chromium-browser"))
    if not binary:
        raise MissingDependency(f"Для снимка нужен Chromium, а {chromium or CHROMIUM} не найден: "
                                "установите его (apt install chromium chromium-driver) или уберите --screenshot.")
    driver = _find(chromedriver, CHROMEDRIVER, ("chromedriver",))
    if not driver:
        raise MissingDependency(f"Для снимка нужен chromedriver, а {chromedriver or CHROMEDRIVER} не найден: "
                                "установите его (apt install chromium-driver) или уберите --screenshot.")
    return binary, driver


def _find(given: str | None, default: str, names: tuple[str, ...]) -> str | None:
    """The given path if it exists; with none given, the default path or the first name on PATH."""
    if given is not None:
        return given if Path(given).is_file() else None
    if Path(default).is_file():
        return default
    return next((found for name in names if (found := shutil.which(name))), None)


def _first_line(exc: Exception) -> str:
    text = getattr(exc, "msg", None) or str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
