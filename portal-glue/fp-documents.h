/* A GDBus client of the document portal (org.freedesktop.portal.Documents),
 * for the two things a launch asks of it: where its FUSE filesystem is,
 * and to export a file named on the command line to one app. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How long a launch waits for each document portal call. The portal may
 * be D-Bus activated on first use, which takes a moment; longer than this
 * and it is better to start the app without documents than to hang. */
#define FP_DOCUMENTS_TIMEOUT_MS 5000

/* The host path of the document portal's FUSE mount, usually
 * $XDG_RUNTIME_DIR/doc. Fails when the portal is not running (and cannot
 * be activated) or does not answer in time. */
char *fp_documents_get_mount_point (GDBusConnection *session_bus,
                                    GError         **error);

/* The same from a portal that runs already, or NULL: never starts one. */
char *fp_documents_get_mount_point_running (GDBusConnection *session_bus);

/* Exports `path` (a file or, with document portal version 4, a directory)
 * to `app_id` with read and write permission, reusing an existing document
 * for the same file, as `flatpak run --file-forwarding` does; with a NULL
 * `app_id`, to no app yet. Returns the document id: the file is then
 * <mount>/<id>/<basename>. */
char *fp_documents_export (GDBusConnection *session_bus,
                           const char      *path,
                           const char      *app_id,
                           GError         **error);

typedef struct {
  char     *id;
  char     *path;  /* the host file */
  GVariant *apps;  /* a{sas}: app id -> permissions, or NULL if unknown */
} FpDocument;

/* The documents exported to `app_id`, or every document when it is NULL,
 * sorted by path. */
GPtrArray *fp_documents_list (GDBusConnection *session_bus,
                              const char      *app_id,
                              GError         **error);

/* The document id of an exported host file (or of a path inside the
 * mount); an error when it is not exported. */
char *fp_documents_lookup (GDBusConnection *session_bus,
                           const char      *path,
                           GError         **error);

/* Removes a document, and every app's access to it. */
gboolean fp_documents_delete (GDBusConnection *session_bus,
                              const char      *doc_id,
                              GError         **error);

G_END_DECLS
