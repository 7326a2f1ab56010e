import subprocess
import sys


def test_production_settings_pass_djangos_deployment_checks():
    environment = {
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings.production",
        "SAFEGUARDING_SECRET_KEY": "k" * 20 + "-production-like-secret-value-0123456789abcdef",
        "SAFEGUARDING_ALLOWED_HOSTS": "hub.example.org",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
