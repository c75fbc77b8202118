/* fauxpak install, uninstall and list: apps registered under their app
 * id, with desktop entries, D-Bus services and icons (shim/fp-exports.c). */
#pragma once

int fp_cmd_install (int argc, char **argv);
int fp_cmd_uninstall (int argc, char **argv);
int fp_cmd_list (int argc, char **argv);
