"""python -m emulator --host 127.0.0.1 --port 5000   (run from localstack/; see start.sh)"""

from .app import main

main()
