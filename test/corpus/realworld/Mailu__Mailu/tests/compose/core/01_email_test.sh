set -e
python3 tests/email_test.py message-core
