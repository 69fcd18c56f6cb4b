//! Vocabulary shared by the server and the browser: roles and states of product §2, with their
//! French labels. On the server the same enums are the database columns' types.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum Role {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "officer"))]
    Officer,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "staff"))]
    Staff,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Officer => "Officier",
            Role::Staff => "Gestionnaire",
            Role::Admin => "Administrateur",
        }
    }

    /// Gestionnaires and administrateurs both work in `/gestion` (product §1).
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Staff | Role::Admin)
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "officer" => Some(Role::Officer),
            "staff" => Some(Role::Staff),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum TrainingFormat {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "presentiel"))]
    Presentiel,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "distanciel"))]
    Distanciel,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "hybride"))]
    Hybride,
}

impl TrainingFormat {
    pub const ALL: [TrainingFormat; 3] = [
        TrainingFormat::Presentiel,
        TrainingFormat::Distanciel,
        TrainingFormat::Hybride,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TrainingFormat::Presentiel => "Présentiel",
            TrainingFormat::Distanciel => "Distanciel",
            TrainingFormat::Hybride => "Hybride",
        }
    }

    /// The value used in URLs and forms.
    pub fn code(self) -> &'static str {
        match self {
            TrainingFormat::Presentiel => "presentiel",
            TrainingFormat::Distanciel => "distanciel",
            TrainingFormat::Hybride => "hybride",
        }
    }

    pub fn from_code(code: &str) -> Option<TrainingFormat> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum SessionStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "brouillon"))]
    Brouillon,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "publiee"))]
    Publiee,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "annulee"))]
    Annulee,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "terminee"))]
    Terminee,
}

impl SessionStatus {
    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Brouillon => "Brouillon",
            SessionStatus::Publiee => "Publiée",
            SessionStatus::Annulee => "Annulée",
            SessionStatus::Terminee => "Terminée",
        }
    }

    /// The value of the planning's status filter (the stored value).
    pub fn code(self) -> &'static str {
        match self {
            SessionStatus::Brouillon => "brouillon",
            SessionStatus::Publiee => "publiee",
            SessionStatus::Annulee => "annulee",
            SessionStatus::Terminee => "terminee",
        }
    }

    pub fn from_code(code: &str) -> Option<SessionStatus> {
        use SessionStatus::*;
        [Brouillon, Publiee, Annulee, Terminee]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// The DSFR badge variant of the status.
    pub fn badge(self) -> &'static str {
        match self {
            SessionStatus::Brouillon => "fr-badge--new",
            SessionStatus::Publiee => "fr-badge--success",
            SessionStatus::Annulee => "fr-badge--error",
            SessionStatus::Terminee => "fr-badge--info",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")
)]
pub enum EnrolmentStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "inscrit"))]
    Inscrit,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "liste_attente"))]
    ListeAttente,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "desinscrit"))]
    Desinscrit,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "desistement_tardif"))]
    DesistementTardif,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "present"))]
    Present,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "absent"))]
    Absent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "excuse"))]
    Excuse,
}

impl EnrolmentStatus {
    pub fn label(self) -> &'static str {
        match self {
            EnrolmentStatus::Inscrit => "Inscrit",
            EnrolmentStatus::ListeAttente => "Liste d'attente",
            EnrolmentStatus::Desinscrit => "Désinscrit",
            EnrolmentStatus::DesistementTardif => "Désistement tardif",
            EnrolmentStatus::Present => "Présent",
            EnrolmentStatus::Absent => "Absent",
            EnrolmentStatus::Excuse => "Excusé",
        }
    }

    /// A live place holds a seat or a rank on the waitlist (product §3.2).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::Inscrit | EnrolmentStatus::ListeAttente
        )
    }
}

/// Where an invitation of « Remplir la session » stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum InvitationStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "en_attente"))]
    EnAttente,
    /// The officer enrolled while invited.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "acceptee"))]
    Acceptee,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "declinee"))]
    Declinee,
}

impl InvitationStatus {
    pub fn label(self) -> &'static str {
        match self {
            InvitationStatus::EnAttente => "En attente de réponse",
            InvitationStatus::Acceptee => "Acceptée",
            InvitationStatus::Declinee => "Déclinée",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum Priority {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "obligatoire"))]
    Obligatoire,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "recommandee"))]
    Recommandee,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "optionnelle"))]
    Optionnelle,
}

impl Priority {
    pub fn label(self) -> &'static str {
        match self {
            Priority::Obligatoire => "Obligatoire",
            Priority::Recommandee => "Recommandée",
            Priority::Optionnelle => "Optionnelle",
        }
    }

    /// The value of a priority select (the stored value).
    pub fn code(self) -> &'static str {
        match self {
            Priority::Obligatoire => "obligatoire",
            Priority::Recommandee => "recommandee",
            Priority::Optionnelle => "optionnelle",
        }
    }

    pub const ALL: [Priority; 3] = [
        Priority::Obligatoire,
        Priority::Recommandee,
        Priority::Optionnelle,
    ];

    pub fn from_code(code: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Sort key: obligatoire first.
    pub fn rank(self) -> u8 {
        match self {
            Priority::Obligatoire => 0,
            Priority::Recommandee => 1,
            Priority::Optionnelle => 2,
        }
    }
}

/// One choice of a select or a filter: the value sent, the label shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The kinds of notification of product §5; each can have its email turned off. Stored in
/// `notifications.kind` and `notification_preferences.kind`; the same value names the kind in
/// forms and links (serde's snake case is the stored value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(48))")
)]
pub enum NotificationKind {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "inscription_confirmee"))]
    InscriptionConfirmee,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "liste_attente"))]
    ListeAttente,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "promotion"))]
    Promotion,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "desinscription"))]
    Desinscription,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "session_modifiee"))]
    SessionModifiee,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "session_annulee"))]
    SessionAnnulee,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "rappel"))]
    Rappel,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "avis"))]
    Avis,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "nouvelle_session"))]
    NouvelleSession,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "invitation"))]
    Invitation,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "liste_attente_close"))]
    ListeAttenteClose,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "desistement_tardif"))]
    DesistementTardif,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sous_minimum"))]
    SousMinimum,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "places_libres"))]
    PlacesLibres,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 14] = [
        NotificationKind::InscriptionConfirmee,
        NotificationKind::ListeAttente,
        NotificationKind::Promotion,
        NotificationKind::Desinscription,
        NotificationKind::SessionModifiee,
        NotificationKind::SessionAnnulee,
        NotificationKind::Rappel,
        NotificationKind::Avis,
        NotificationKind::NouvelleSession,
        NotificationKind::Invitation,
        NotificationKind::ListeAttenteClose,
        NotificationKind::DesistementTardif,
        NotificationKind::SousMinimum,
        NotificationKind::PlacesLibres,
    ];

    /// The stored value, also the value of forms and links (`/profil`, unsubscribe links).
    pub fn code(self) -> &'static str {
        use NotificationKind::*;
        match self {
            InscriptionConfirmee => "inscription_confirmee",
            ListeAttente => "liste_attente",
            Promotion => "promotion",
            Desinscription => "desinscription",
            SessionModifiee => "session_modifiee",
            SessionAnnulee => "session_annulee",
            Rappel => "rappel",
            Avis => "avis",
            NouvelleSession => "nouvelle_session",
            Invitation => "invitation",
            ListeAttenteClose => "liste_attente_close",
            DesistementTardif => "desistement_tardif",
            SousMinimum => "sous_minimum",
            PlacesLibres => "places_libres",
        }
    }

    pub fn from_code(code: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its name in `/profil` (product §5's words).
    pub fn label(self) -> &'static str {
        use NotificationKind::*;
        match self {
            InscriptionConfirmee => "Inscription confirmée",
            ListeAttente => "Inscription sur liste d'attente",
            Promotion => "Promotion depuis la liste d'attente",
            Desinscription => "Désinscription confirmée",
            SessionModifiee => "Session modifiée (date, lieu)",
            SessionAnnulee => "Session annulée",
            Rappel => "Rappels J-7 et J-1",
            Avis => "Questionnaire d'avis après la session",
            NouvelleSession => "Nouvelle session d'une formation de mon programme",
            Invitation => "Invitation de la MiRVOG à une session",
            ListeAttenteClose => "Liste d'attente close au début de la session",
            DesistementTardif => "Désistement tardif",
            SousMinimum => "Session sous le minimum à J-14",
            PlacesLibres => "Places libres alors qu'une liste d'attente existe",
        }
    }

    /// Staff kinds go to gestionnaires and administrateurs, the others to officers.
    pub fn for_staff(self) -> bool {
        matches!(
            self,
            NotificationKind::DesistementTardif
                | NotificationKind::SousMinimum
                | NotificationKind::PlacesLibres
        )
    }
}

/// Where an email of the outbox stands: queued (or waiting for a retry), claimed by a worker,
/// sent, given up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(DeriveActiveEnum, EnumIter))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum OutboxStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "en_attente"))]
    EnAttente,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "envoi"))]
    Envoi,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "envoye"))]
    Envoye,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "echec"))]
    Echec,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 4] = [
        OutboxStatus::EnAttente,
        OutboxStatus::Envoi,
        OutboxStatus::Envoye,
        OutboxStatus::Echec,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::EnAttente => "En attente",
            OutboxStatus::Envoi => "En cours d'envoi",
            OutboxStatus::Envoye => "Envoyé",
            OutboxStatus::Echec => "Abandonné",
        }
    }
}

/// « Monter » / « Descendre »: one place up or down an ordered list (the waitlist, a programme).
/// The form's value is `haut` or `bas`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    #[serde(rename = "haut")]
    Up,
    #[serde(rename = "bas")]
    Down,
}

impl Direction {
    /// The value a form sends.
    pub fn code(self) -> &'static str {
        match self {
            Direction::Up => "haut",
            Direction::Down => "bas",
        }
    }
}

/// The longest text each column holds, in characters: the form checks read these, and
/// `schema_tests` compares them with the migrated schema on SQLite and PostgreSQL.
pub mod max_len {
    /// `users.email` (and RFC 5321).
    pub const EMAIL: usize = 254;
    /// `users.display_name`.
    pub const DISPLAY_NAME: usize = 200;
    /// `officer_profiles.grade`.
    pub const GRADE: usize = 80;
    /// `officer_profiles.armee`.
    pub const ARMEE: usize = 80;
    /// `officer_profiles.phone`.
    pub const PHONE: usize = 40;
    /// `trainings.title`.
    pub const TRAINING_TITLE: usize = 200;
    /// `trainings.theme`.
    pub const THEME: usize = 80;
    /// `trainings.provider`.
    pub const PROVIDER: usize = 200;
    /// `sessions.location`.
    pub const LOCATION: usize = 300;
    /// `sessions.visio_url`.
    pub const VISIO_URL: usize = 500;
    /// `sessions.trainer`.
    pub const TRAINER: usize = 200;

    /// Text columns have no limit of their own: these keep a form from storing a book.
    pub const DESCRIPTION: usize = 5000;
    pub const COMMENT: usize = 2000;
    pub const CAREER_GOAL: usize = 2000;

    /// (table, column, limit) of every bounded column a form writes.
    pub const COLUMNS: [(&str, &str, usize); 11] = [
        ("users", "email", EMAIL),
        ("users", "display_name", DISPLAY_NAME),
        ("officer_profiles", "grade", GRADE),
        ("officer_profiles", "armee", ARMEE),
        ("officer_profiles", "phone", PHONE),
        ("trainings", "title", TRAINING_TITLE),
        ("trainings", "theme", THEME),
        ("trainings", "provider", PROVIDER),
        ("sessions", "location", LOCATION),
        ("sessions", "visio_url", VISIO_URL),
        ("sessions", "trainer", TRAINER),
    ];
}
