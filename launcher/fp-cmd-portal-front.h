/* fauxpak portal-front enable|disable|status: fauxpak's `flatpak` front
 * on the portal services' PATH in a systemd user session. */
#pragma once

int fp_cmd_portal_front (int argc, char **argv);
