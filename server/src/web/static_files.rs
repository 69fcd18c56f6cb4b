//! The site's own files: how long browsers may keep each one, and the service worker that keeps
//! an officer's pages readable offline (`offline/sw.js`, filled in here with the build's
//! version and the files to keep).

use super::AppState;
use app::assets::DSFR;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// A year, never revalidated: for files whose name changes with their content.
pub(super) const FOR_A_YEAR: &str = "public, max-age=31536000, immutable";
/// Kept, but checked with the server (a 304 when unchanged) before each use.
pub(super) const CHECK_FIRST: &str = "no-cache";
/// Personal pages and data: never kept by browsers or proxies.
pub(super) const NEVER: &str = "private, no-store";

/// The site's files that are the same for everyone: they never need the user.
pub(crate) fn is_site_file(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/dsfr/")
        || path.starts_with("/icons/")
        || matches!(
            path,
            "/favicon.ico" | "/sw.js" | "/hors-ligne.js" | "/manifest.webmanifest"
        )
}

/// How long a browser may keep the answer to `path`. The bundle's names carry its content's
/// hash when the build made them so (`hashed_bundle`); the DSFR's files sit under its version,
/// which npm never republishes with other content.
pub(super) fn cache_policy(path: &str, hashed_bundle: bool) -> &'static str {
    if path.starts_with("/pkg/") {
        if hashed_bundle {
            FOR_A_YEAR
        } else {
            CHECK_FIRST
        }
    } else if path
        .strip_prefix(DSFR)
        .is_some_and(|rest| rest.starts_with('/'))
    {
        FOR_A_YEAR
    } else if is_site_file(path) {
        CHECK_FIRST
    } else {
        NEVER
    }
}

const WORKER: &str = include_str!("offline/sw.js");

/// `/sw.js`: the service worker of this build. Its bytes change with the bundle, so a browser
/// installs the new worker after each deployment, and that worker removes the old caches.
pub(super) async fn service_worker(State(state): State<AppState>) -> Response {
    let options = &state.leptos_options;
    let build = Build::read(Path::new(&*options.site_root), &options.site_pkg_dir);
    let precache = serde_json::to_string(&build.files).unwrap_or_else(|_| "[]".to_owned());
    let body = WORKER
        .replace("__CASSIOPEE_VERSION__", &build.version)
        .replace("__CASSIOPEE_PRECACHE__", &precache);
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CHECK_FIRST),
        ],
        body,
    )
        .into_response()
}

/// What the service worker needs to know of the files on disk.
#[derive(Debug)]
pub(super) struct Build {
    /// Changes whenever a file of the bundle or the DSFR stylesheet changes.
    pub(super) version: String,
    /// The addresses to keep at installation: the bundle, the stylesheets, the main fonts and
    /// what installs the app.
    pub(super) files: Vec<String>,
}

impl Build {
    /// Reads the site directory. The version comes from the files' contents, so that two
    /// instances of one build agree and a rebuild that changes nothing changes nothing; each
    /// file is read again only when its size or modification time changes (the worker is asked
    /// for at page loads).
    pub(super) fn read(site_root: &Path, pkg_dir: &str) -> Build {
        let mut names: Vec<String> = std::fs::read_dir(site_root.join(pkg_dir))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| {
                [".js", ".wasm", ".css"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
            })
            .collect();
        names.sort();
        let mut files: Vec<String> = names.iter().map(|n| format!("/{pkg_dir}/{n}")).collect();
        // The fonts the pages use, in their French subsets when setup made them.
        let fonts = if site_root
            .join(DSFR.trim_start_matches('/'))
            .join("fonts-fr1")
            .is_dir()
        {
            "fonts-fr1"
        } else {
            "fonts"
        };
        for weight in ["Regular", "Medium", "Bold"] {
            files.push(format!("{DSFR}/{fonts}/Marianne-{weight}.woff2"));
        }
        for own in [
            "/hors-ligne.js",
            "/manifest.webmanifest",
            "/icons/icon-192.png",
        ] {
            files.push(own.to_owned());
        }
        let mut hasher = DefaultHasher::new();
        files.retain(
            |url| match content_hash(&site_root.join(url.trim_start_matches('/'))) {
                Some(hash) => {
                    (url, hash).hash(&mut hasher);
                    true
                }
                None => false,
            },
        );
        Build {
            version: format!("{:016x}", hasher.finish()),
            files,
        }
    }
}

/// The hash of a file's content, or `None` when it is not there; remembered while its size and
/// modification time stay the same.
fn content_hash(file: &Path) -> Option<u64> {
    type Seen = HashMap<PathBuf, (u64, SystemTime, u64)>;
    static SEEN: Mutex<Option<Seen>> = Mutex::new(None);
    let meta = std::fs::metadata(file).ok().filter(|m| m.is_file())?;
    let stamp = (meta.len(), meta.modified().ok()?);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let seen = seen.get_or_insert_with(HashMap::new);
    if let Some(&(len, modified, hash)) = seen.get(file)
        && (len, modified) == stamp
    {
        return Some(hash);
    }
    let mut hasher = DefaultHasher::new();
    std::fs::read(file).ok()?.hash(&mut hasher);
    let hash = hasher.finish();
    seen.insert(file.to_owned(), (stamp.0, stamp.1, hash));
    Some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_gets_the_lifetime_its_name_allows() {
        let dsfr_css = format!("{DSFR}/dsfr.min.css");
        assert_eq!(cache_policy(&dsfr_css, false), FOR_A_YEAR);
        assert_eq!(cache_policy("/pkg/cassiopee.Ab12.wasm", true), FOR_A_YEAR);
        assert_eq!(cache_policy("/pkg/cassiopee.wasm", false), CHECK_FIRST);
        // Another DSFR version, or a name that only starts like the version, is not this one.
        assert_eq!(cache_policy("/dsfr/0.1.0/dsfr.min.css", false), CHECK_FIRST);
        assert_eq!(cache_policy(&format!("{DSFR}0/x.css"), false), CHECK_FIRST);
        for own in [
            "/sw.js",
            "/hors-ligne.js",
            "/manifest.webmanifest",
            "/icons/icon-192.png",
        ] {
            assert_eq!(cache_policy(own, true), CHECK_FIRST, "{own}");
        }
        for page in ["/mes-formations", "/api/place", "/sessions/3", "/"] {
            assert_eq!(cache_policy(page, true), NEVER, "{page}");
        }
    }

    #[test]
    fn the_version_changes_with_the_bundle_and_lists_what_to_keep() {
        let site = std::env::temp_dir().join(format!("cassiopee-site-{}", std::process::id()));
        let pkg = site.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("cassiopee.aaa.js"), "un").unwrap();
        std::fs::write(pkg.join("cassiopee.aaa.js.br"), "compressé").unwrap();
        std::fs::write(pkg.join("cassiopee.d.aaa.ts"), "types").unwrap();
        std::fs::write(pkg.join("cassiopee.aaa.wasm"), "deux").unwrap();
        std::fs::write(site.join("hors-ligne.js"), "trois").unwrap();
        let first = Build::read(&site, "pkg");
        assert_eq!(
            first.files,
            [
                "/pkg/cassiopee.aaa.js",
                "/pkg/cassiopee.aaa.wasm",
                "/hors-ligne.js"
            ]
        );
        assert_eq!(Build::read(&site, "pkg").version, first.version, "stable");
        // The same content written again (another instance, a rebuild): the same version.
        std::fs::write(pkg.join("cassiopee.aaa.wasm"), "deux").unwrap();
        assert_eq!(
            Build::read(&site, "pkg").version,
            first.version,
            "from the content"
        );
        // A new build: other names, or the same name with another content.
        std::fs::write(pkg.join("cassiopee.aaa.wasm"), "deux, plus long").unwrap();
        let second = Build::read(&site, "pkg");
        assert_ne!(second.version, first.version);
        std::fs::rename(pkg.join("cassiopee.aaa.js"), pkg.join("cassiopee.bbb.js")).unwrap();
        let third = Build::read(&site, "pkg");
        assert_ne!(third.version, second.version);
        assert!(third.files.contains(&"/pkg/cassiopee.bbb.js".to_owned()));
        std::fs::remove_dir_all(&site).unwrap();
    }
}
