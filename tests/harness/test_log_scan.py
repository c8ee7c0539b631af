"""The test harness judges Odoo's log: these cases decide whether CI is honest."""

import run_tests

REPORT_OK = (
    "2026-11-27 20:24:25,351 7766 INFO db odoo.tests.result: "
    "0 failed, 0 error(s) of 17 tests when loading database 'db'"
)


def scan(*lines):
    result = run_tests.TierResult("odoo")
    run_tests.scan_odoo_log(list(lines), result)
    return result


def test_clean_run_counts_every_test_as_passed():
    """A report with no failures and a quiet log passes all tests it ran."""
    result = scan("2026-11-27 20:24:25,100 7766 INFO db odoo.modules.loading: loaded", REPORT_OK)
    assert (result.passed, result.failed) == (17, 0)


def test_failures_and_errors_from_the_report_fail():
    """Failed and erroring tests are subtracted from the passed count and reported failed."""
    result = scan(
        "2026-11-27 20:24:25,351 7766 ERROR db odoo.tests.result: "
        "1 failed, 2 error(s) of 17 tests when loading database 'db'"
    )
    assert (result.passed, result.failed) == (14, 3)


def test_warning_about_our_addon_fails_the_run():
    """A view or data file of ours that loads with a warning is a failure, wherever logged."""
    result = scan(
        "2026-11-27 20:24:25,100 7766 WARNING db odoo.modules.loading: "
        "The models ['purchase.forecast.run'] have no access rules",
        REPORT_OK,
    )
    assert result.failed == 1
    assert "no access rules" in result.notes[0]


def test_warning_from_our_logger_fails_the_run():
    """A warning logged by our own code fails the run."""
    result = scan(
        "2026-11-27 20:24:25,100 7766 WARNING db odoo.addons.purchase_bot.models.x: odd",
        REPORT_OK,
    )
    assert result.failed == 1


def test_foreign_warning_is_tolerated():
    """Odoo's own warnings about other modules (running as root, say) do not fail us."""
    result = scan(
        "2026-11-27 20:24:25,100 7766 WARNING ? odoo.service.server: Running as user 'root'",
        REPORT_OK,
    )
    assert result.failed == 0


def test_any_error_line_fails_the_run():
    """An ERROR from anywhere outside our failing tests is a failure of its own."""
    result = scan(
        "2026-11-27 20:24:25,100 7766 ERROR db odoo.http: Exception during request handling.",
        REPORT_OK,
    )
    assert result.failed == 1


def test_failing_test_traceback_is_not_counted_twice():
    """The ERROR lines of a failing test of ours are counted once, through the report."""
    result = scan(
        "2026-11-27 20:24:25,248 7766 ERROR db odoo.addons.purchase_bot.tests.test_links: "
        "FAIL: TestLinks.test_x",
        "2026-11-27 20:24:25,351 7766 ERROR db odoo.tests.result: "
        "1 failed, 0 error(s) of 17 tests when loading database 'db'",
    )
    assert (result.passed, result.failed) == (16, 1)


def test_missing_report_is_a_failure():
    """When Odoo dies before running tests, the tier fails instead of passing nothing."""
    result = scan(
        "2026-11-27 20:24:25,100 7766 CRITICAL db odoo.service.server: Failed to initialize"
    )
    assert result.failed == 2
    assert result.passed == 0


def test_skipped_test_of_ours_fails():
    """A tour that Odoo skips (no Chromium, no websocket-client) is a failure, not a pass."""
    result = scan(
        "2026-11-27 20:24:25,200 7766 INFO db odoo.addons.purchase_forecast.tests.test_tours: "
        "skipped TestTours.test_plan_tour : Chrome executable not found",
        REPORT_OK,
    )
    assert (result.passed, result.failed) == (16, 1)
    assert "test_plan_tour was skipped: Chrome executable not found" in result.notes[0]


def test_skipped_foreign_test_is_ignored():
    """Only our tests are judged: a skip logged for another module changes nothing."""
    result = scan(
        "2026-11-27 20:24:25,200 7766 INFO db odoo.addons.web.tests.test_x: skipped T.test : why",
        REPORT_OK,
    )
    assert (result.passed, result.failed) == (17, 0)
