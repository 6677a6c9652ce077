#!/bin/sh
# stress.sh - long stress runs for `make stress` (not part of `make test`); none yet.
echo "no stress tests yet"
exit 0
