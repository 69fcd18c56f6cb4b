//! Where the site's shared files are served from.

/// The DSFR's files (stylesheet, fonts, icons), under the version `style/package-lock.json`
/// pins: npm never republishes a version with other content, so the address changes with the
/// content and browsers may keep these files a year. `scripts/setup.sh` copies them there.
pub const DSFR: &str = "/dsfr/1.15.3";

#[cfg(test)]
mod tests {
    #[test]
    fn the_dsfr_address_carries_the_locked_version() {
        let lock = include_str!("../../style/package-lock.json");
        let at = lock
            .find("\"node_modules/@gouvfr/dsfr\"")
            .expect("the DSFR in the lock file");
        let version = lock[at..]
            .split("\"version\": \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("its version");
        assert_eq!(super::DSFR, format!("/dsfr/{version}"));
    }
}
