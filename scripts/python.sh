# Sourced by the other scripts (from the checkout's root): sets $py, the Python akhbar is built and installed
# with. $PYTHON if set; else python3, unless that is a distribution's own Python that refuses pip installs
# (PEP 668 "externally managed", as Debian 12's /usr/bin/python3): then a virtual environment in .venv, made
# once, whose bin/ (pip's cmake and ninja) goes first on PATH.
py=${PYTHON:-}
if [ -z "$py" ]; then
  py=python3
  if python3 -c 'import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)'; then
    if [ ! -x .venv/bin/python ]; then
      python3 -m venv .venv
      # (a current pip: Debian 12's is 23.0)
      .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    fi
    py=.venv/bin/python
    export PATH="$PWD/.venv/bin:$PATH"
  fi
fi
