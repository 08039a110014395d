#!/bin/bash
# /usr/bin/outpost in the .rpm: the command line is built into outpost-desktop, which runs it when
# started under the name `outpost` (README "Installers"; the .deb has a symlink instead).
exec -a outpost /usr/bin/outpost-desktop "$@"
