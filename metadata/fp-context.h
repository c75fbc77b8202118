/* The permission model. Everything a sandbox is granted lives here, in
 * Flatpak's own vocabulary; the [Context] keyfile, the bubblewrap arguments
 * and the D-Bus proxy rules are all derived from one FpContext. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FP_SHARE_NETWORK = 1 << 0,
  FP_SHARE_IPC     = 1 << 1,
} FpShares;

typedef enum {
  FP_SOCKET_X11                    = 1 << 0,
  FP_SOCKET_WAYLAND                = 1 << 1,
  FP_SOCKET_PULSEAUDIO             = 1 << 2,
  FP_SOCKET_SESSION_BUS            = 1 << 3,
  FP_SOCKET_SYSTEM_BUS             = 1 << 4,
  FP_SOCKET_FALLBACK_X11           = 1 << 5,
  FP_SOCKET_SSH_AUTH               = 1 << 6,
  FP_SOCKET_PCSC                   = 1 << 7,
  FP_SOCKET_CUPS                   = 1 << 8,
  FP_SOCKET_GPG_AGENT              = 1 << 9,
  FP_SOCKET_INHERIT_WAYLAND_SOCKET = 1 << 10,
  FP_SOCKET_PIPEWIRE               = 1 << 11,
} FpSockets;

typedef enum {
  FP_DEVICE_DRI   = 1 << 0,
  FP_DEVICE_ALL   = 1 << 1,
  FP_DEVICE_KVM   = 1 << 2,
  FP_DEVICE_SHM   = 1 << 3,
  FP_DEVICE_INPUT = 1 << 4,
  FP_DEVICE_USB   = 1 << 5,
} FpDevices;

typedef enum {
  FP_FEATURE_DEVEL           = 1 << 0,
  FP_FEATURE_MULTIARCH       = 1 << 1,
  FP_FEATURE_BLUETOOTH       = 1 << 2,
  FP_FEATURE_CANBUS          = 1 << 3,
  FP_FEATURE_PER_APP_DEV_SHM = 1 << 4,
} FpFeatures;

/* One of the flag families above: the names Flatpak uses for each bit. */
typedef enum {
  FP_FLAGS_SHARED,
  FP_FLAGS_SOCKETS,
  FP_FLAGS_DEVICES,
  FP_FLAGS_FEATURES,
  FP_FLAGS_N_KINDS
} FpFlagsKind;

/* The filesystems key that --nofilesystem=host:reset leaves (with mode
 * NONE, as Flatpak does): a layer holding it drops every filesystem of the
 * layers below when merged over them. */
#define FP_FILESYSTEM_HOST_RESET "host-reset"

typedef enum {
  FP_FILESYSTEM_NONE,     /* explicitly removed ("!path", --nofilesystem) */
  FP_FILESYSTEM_READ_ONLY,
  FP_FILESYSTEM_READ_WRITE,
  FP_FILESYSTEM_CREATE,   /* read-write, created on the host when missing */
} FpFilesystemMode;

typedef enum {
  FP_POLICY_NONE,
  FP_POLICY_SEE,
  FP_POLICY_TALK,
  FP_POLICY_OWN,
} FpPolicy;

typedef enum {
  FP_BIND_RW,
  FP_BIND_RO,
  FP_BIND_DEV,
  FP_BIND_TMPFS,
} FpBindKind;

/* A mount Flatpak's vocabulary cannot express (source at another path,
 * device binds, tmpfs). */
typedef struct {
  FpBindKind kind;
  char *source;      /* NULL for tmpfs */
  char *dest;
  gboolean optional; /* -try: skipped when the source is missing */
} FpBind;

typedef struct {
  /* Flag families: `valid` says which bits were mentioned, `enabled` which
   * of those are on, so that a later layer can both grant and revoke. */
  guint32 enabled[FP_FLAGS_N_KINDS];
  guint32 valid[FP_FLAGS_N_KINDS];

  GHashTable *filesystems;         /* char* (Flatpak spelling) -> FpFilesystemMode */
  GHashTable *persistent;          /* set of char* (relative to $HOME) */
  GHashTable *env;                 /* char* -> char* value, or NULL to unset */
  GHashTable *session_bus_policy;  /* char* name -> FpPolicy */
  GHashTable *system_bus_policy;
  /* xdg-dbus-proxy --call/--broadcast rules beyond the policies:
   * char* name (optionally ending in .*) -> GStrv of "[METHOD][@PATH]". */
  GHashTable *session_bus_calls;
  GHashTable *session_bus_broadcasts;
  GHashTable *system_bus_calls;
  GHashTable *system_bus_broadcasts;
  GPtrArray  *binds;               /* FpBind*, in order */
  /* Not a permission: which filesystems locations were written as $PWD,
   * the directory fauxpak happens to run in (see fp_profile_check_cwd). */
  GHashTable *cwd_filesystems;     /* set of char* locations */
} FpContext;

FpContext *fp_context_new (void);
void       fp_context_free (FpContext *context);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpContext, fp_context_free)

FpBind *fp_bind_new (FpBindKind kind, const char *source, const char *dest, gboolean optional);
void    fp_bind_free (FpBind *bind);
/* The bind as the option that makes it: "--ro-bind=SRC:DEST", "--tmpfs=DEST". */
char   *fp_bind_to_option (const FpBind *bind);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FpBind, fp_bind_free)

/* flatpak run --sandbox: drops every grant (shares, sockets, devices,
 * features but multiarch, filesystems, persistent directories, bus
 * policies and rules, binds); the environment stays. */
void fp_context_make_sandboxed (FpContext *context);

/* Later layers win: flags mentioned in `overlay` replace those in `base`,
 * filesystems, env and bus policies replace per key (all filesystems when
 * `overlay` holds FP_FILESYSTEM_HOST_RESET), binds append. */
void fp_context_merge (FpContext       *base,
                       const FpContext *overlay);

gboolean fp_context_has (const FpContext *context,
                         FpFlagsKind      kind,
                         guint32          flag);

const char *const *fp_context_flag_names (FpFlagsKind kind);
const char        *fp_context_flags_key (FpFlagsKind kind);

/* "network", "!ipc" and so on; unknown names are an error listing the
 * accepted ones. */
gboolean fp_context_set_flag_by_name (FpContext   *context,
                                      FpFlagsKind  kind,
                                      const char  *name,
                                      gboolean     enable,
                                      GError     **error);

/* A Flatpak filesystem entry, "xdg-download/foo:ro", "~/dir:create",
 * "/abs/path", "home", "host"...; `enable` FALSE means --nofilesystem. */
gboolean fp_context_add_filesystem (FpContext  *context,
                                    const char *entry,
                                    gboolean    enable,
                                    GError    **error);

gboolean fp_context_add_persistent (FpContext  *context,
                                    const char *dir,
                                    GError    **error);

/* TRUE for a name with * or ?: a glob of host variables that are not
 * passed to the app (its value in `env` is NULL), unless a variable it
 * matches is set by name. */
gboolean fp_env_name_is_pattern (const char *name);

gboolean fp_context_set_env (FpContext  *context,
                             const char *name,
                             const char *value,
                             GError    **error);

gboolean fp_context_set_bus_policy (FpContext  *context,
                                    gboolean    system_bus,
                                    const char *name,
                                    const char *policy,
                                    GError    **error);

/* The rules for calls to (or, with `broadcast`, signals from) `name`,
 * replacing any it had: each "[METHOD][@PATH]" as xdg-dbus-proxy takes
 * them, METHOD being *, an interface (optionally ending in .*) or
 * interface.Method, PATH an object path (optionally ending in slash-*). */
gboolean fp_context_set_bus_rules (FpContext         *context,
                                   gboolean           system_bus,
                                   gboolean           broadcast,
                                   const char        *name,
                                   const char *const *rules,
                                   GError           **error);

/* The table fp_context_set_bus_rules fills for that bus and kind. */
GHashTable *fp_context_bus_rules (const FpContext *context,
                                  gboolean         system_bus,
                                  gboolean         broadcast);

/* A `flatpak run`-style option such as ("share", "network"),
 * ("filesystem", "~/x:ro"), ("env", "A=b"), ("bind", "/src:/dst"). The
 * name is given without the leading dashes. Returns FALSE with
 * FP_ERROR_NOT_FOUND when `name` is not a permission option at all. */
gboolean fp_context_apply_option (FpContext  *context,
                                  const char *name,
                                  const char *value,
                                  GError    **error);

/* Names of every option fp_context_apply_option takes. */
const char *const *fp_context_option_names (void);

/* Those of them that flatpak does not have: a Flatpak manifest or
 * metadata file that uses one is not Flatpak's and is refused. */
const char *const *fp_context_fauxpak_only_option_names (void);

/* Writes [Context], [Session Bus Policy], [System Bus Policy] and
 * [Environment] as Flatpak writes them into .flatpak-info. */
void fp_context_save_keyfile (const FpContext *context,
                              GKeyFile        *keyfile);

/* The same groups as a Flatpak override keyfile has them: revocations
 * too ("!x11", "!home", [Context] unset-environment), so that reading it
 * back (fp_flatpak_import_context) gives the same layer. Binds and bus
 * call rules have no place there and are not written. */
void fp_context_save_override_keyfile (const FpContext *context,
                                       GKeyFile        *keyfile);

/* The `flatpak run` options (--share=…, --filesystem=…, …) that give
 * this context, for [Instance] extra-args. */
GPtrArray *fp_context_to_args (const FpContext *context);

/* Parses a filesystem entry into its location and mode. */
gboolean fp_filesystem_parse (const char        *entry,
                              char             **location,
                              FpFilesystemMode  *mode,
                              GError           **error);

const char *fp_policy_to_string (FpPolicy policy);

/* Sorted keys of a hash table, for deterministic output. */
GPtrArray *fp_sorted_keys (GHashTable *table);

G_END_DECLS
