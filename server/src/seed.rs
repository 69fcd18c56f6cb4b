//! Demo data set (product §7): French, realistic, idempotent.
//!
//! The whole data set is first planned in memory — deterministic apart from being placed around
//! "now" — by code that keeps the enrolment invariants by construction (seat counts, waitlist
//! ranks, no overlapping places). It is then written in one transaction with a handful of
//! multi-row inserts, so seeding takes a fraction of a second even in a debug build; the
//! password is hashed once for every demo account.

use app::accounts::find_by_email;
use app::db::begin_write;
use app::entities::{
    enrolment, feedback, officer_profile, programme, programme_item, session, training, user,
};
use app::error::AppError;
use app::model::{EnrolmentStatus, Priority, Role, SessionStatus, TrainingFormat};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, SubsecRound, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::{HashMap, HashSet};

/// Password of every demo account, printed at start so that anyone can try each role.
pub const DEMO_PASSWORD: &str = "Cassiopee2026!";

const ADMIN_EMAIL: &str = "admin@mirvog.demo";
const DEMO_OFFICER_EMAIL: &str = "officier@mirvog.demo";
const EMAIL_DOMAIN: &str = "mirvog.demo";

/// The accounts the demo logins refer to; the officer is user index `DEMO_OFFICER`.
const FIXED_ACCOUNTS: [(&str, &str, Role); 4] = [
    (ADMIN_EMAIL, "Claire Moreau", Role::Admin),
    ("gestion@mirvog.demo", "Julien Bernard", Role::Staff),
    ("sophie.laurent@mirvog.demo", "Sophie Laurent", Role::Staff),
    (DEMO_OFFICER_EMAIL, "Général Antoine Dubois", Role::Officer),
];
const DEMO_OFFICER: usize = 3;
/// Officers generated besides the demo officer.
const OTHER_OFFICERS: usize = 120;
/// Rows per INSERT: far below SQLite's and PostgreSQL's limits on bound parameters.
const BATCH: usize = 200;

/// What `seed_demo` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedReport {
    /// False when the demo data set was already there (nothing was written).
    pub created: bool,
    pub officers: usize,
    pub trainings: usize,
    pub sessions: usize,
    pub enrolments: usize,
}

/// Prints the demo logins of each role, in French, for `serve` and `seed --demo`.
pub fn print_demo_logins() {
    println!("Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})");
    for (email, name, role) in FIXED_ACCOUNTS {
        println!("  {:<17}{email:<30}{name}", format!("{} :", role.label()));
    }
    println!(
        "  … et {OTHER_OFFICERS} autres officiers (prenom.nom@{EMAIL_DOMAIN}, même mot de passe)."
    );
}

/// Creates the demo data set unless the demo administrator already exists.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<SeedReport, AppError> {
    if find_by_email(db, ADMIN_EMAIL).await?.is_some() {
        return existing_report(db).await;
    }
    let hash = app::password::hash_password(DEMO_PASSWORD.to_owned()).await?;
    seed_at(db, Utc::now(), &hash).await
}

/// The seed as if run at `now`, every account with this password hash.
async fn seed_at(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    hash: &str,
) -> Result<SeedReport, AppError> {
    let plan = Planner::new(now).build();
    let txn = begin_write(db).await?;
    // Checked again under the write lock, so that two seeds started together insert once.
    if find_by_email(&txn, ADMIN_EMAIL).await?.is_some() {
        txn.rollback().await?;
        return existing_report(db).await;
    }
    refuse_partial_demo(&txn, &plan).await?;
    let report = write_plan(&txn, &plan, hash).await?;
    txn.commit().await?;
    tracing::info!(?report, "demo data set created");
    Ok(report)
}

async fn existing_report(db: &DatabaseConnection) -> Result<SeedReport, AppError> {
    let officers = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Officer))
        .count(db);
    Ok(SeedReport {
        created: false,
        officers: officers.await? as usize,
        trainings: training::Entity::find().count(db).await? as usize,
        sessions: session::Entity::find().count(db).await? as usize,
        enrolments: enrolment::Entity::find().count(db).await? as usize,
    })
}

/// Some demo address taken by a real account (the administrator was not): say so rather than
/// fail on the unique index.
async fn refuse_partial_demo(txn: &DatabaseTransaction, plan: &Plan) -> Result<(), AppError> {
    let emails = plan.users.iter().map(|u| u.email.clone());
    let taken = user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(txn)
        .await?;
    match taken.first() {
        None => Ok(()),
        Some(u) => Err(AppError::refused(format!(
            "Impossible de créer les données de démonstration : l'adresse {} est déjà utilisée.",
            u.email
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Reference data

struct TrainingSpec {
    title: &'static str,
    theme: &'static str,
    provider: &'static str,
    format: TrainingFormat,
    hours: i32,
    capacity: i32,
    fixed_eur: Option<i64>,
    seat_eur: Option<i64>,
    description: &'static str,
}

const fn spec(
    title: &'static str,
    theme: &'static str,
    provider: &'static str,
    format: TrainingFormat,
    (hours, capacity): (i32, i32),
    (fixed_eur, seat_eur): (Option<i64>, Option<i64>),
    description: &'static str,
) -> TrainingSpec {
    TrainingSpec {
        title,
        theme,
        provider,
        format,
        hours,
        capacity,
        fixed_eur,
        seat_eur,
        description,
    }
}

use TrainingFormat::{Distanciel as D, Hybride as H, Presentiel as P};

const VAUBAN: &str = "Institut Vauban Formation";
const LUMIERE: &str = "Cabinet Lumière Conseil";
const COLBERT: &str = "Académie Colbert du Management";
const TURGOT: &str = "Collège Turgot Finance";
const PORTALIS: &str = "Maison Portalis Droit des affaires";
const SULLY: &str = "Cercle Sully Gouvernance";
const MONTAIGNE: &str = "Atelier Montaigne Communication";
const LYAUTEY: &str = "Parcours Lyautey Coaching";
const ADA: &str = "Studio Ada Numérique";
const CARRIERES: &str = "Ressources & Carrières Conseil";

/// The catalogue; the last training is archived and has past sessions only.
const TRAININGS: [TrainingSpec; 25] = [
    spec(
        "Piloter une équipe de direction dans l'entreprise",
        "Management",
        COLBERT,
        P,
        (14, 12),
        (Some(4800), None),
        "Passer du commandement militaire au management d'un comité de direction : rôles, \
        délégation, arbitrages et conduite des réunions. Cas pratiques tirés d'entreprises \
        industrielles.",
    ),
    spec(
        "Conduite du changement et transformation des organisations",
        "Management",
        VAUBAN,
        H,
        (14, 14),
        (Some(3900), Some(150)),
        "Diagnostiquer une organisation, construire l'adhésion et piloter un projet de \
        transformation dans la durée. Outils de cartographie des acteurs et retours \
        d'expérience.",
    ),
    spec(
        "Management de projet : méthodes classiques et agiles",
        "Management",
        VAUBAN,
        D,
        (7, 20),
        (None, Some(290)),
        "Cycle en V, Scrum et Kanban : choisir la bonne méthode, planifier, suivre les risques \
        et rendre compte à un comité de pilotage.",
    ),
    spec(
        "Négociation commerciale et relation client grands comptes",
        "Management",
        LUMIERE,
        P,
        (14, 10),
        (Some(3600), None),
        "Préparer une négociation, comprendre les achats d'un grand compte et conclure un accord \
        durable. Mises en situation filmées et débriefées.",
    ),
    spec(
        "Lire et analyser les états financiers",
        "Finance",
        TURGOT,
        P,
        (21, 16),
        (Some(5400), Some(120)),
        "Bilan, compte de résultat et tableau de flux de trésorerie : les lire, calculer les \
        ratios essentiels et repérer les signaux d'alerte.",
    ),
    spec(
        "Contrôle de gestion et pilotage de la performance",
        "Finance",
        TURGOT,
        H,
        (14, 16),
        (None, Some(480)),
        "Construire un budget, suivre les écarts et concevoir des tableaux de bord utiles à la \
        décision, du service opérationnel à la direction générale.",
    ),
    spec(
        "Fusions, acquisitions et évaluation d'entreprise",
        "Finance",
        TURGOT,
        P,
        (14, 12),
        (Some(4200), Some(200)),
        "Méthodes d'évaluation, déroulement d'une opération de rapprochement, audit \
        d'acquisition et intégration post-fusion.",
    ),
    spec(
        "Finance pour dirigeants non financiers",
        "Finance",
        LUMIERE,
        D,
        (7, 20),
        (None, Some(350)),
        "Les notions financières indispensables pour dialoguer avec un directeur financier, un \
        banquier ou un investisseur.",
    ),
    spec(
        "Droit des sociétés pour futurs dirigeants",
        "Droit",
        PORTALIS,
        P,
        (14, 15),
        (Some(3800), None),
        "Formes sociales, pouvoirs et responsabilités des dirigeants, assemblées et pactes \
        d'associés, responsabilité civile et pénale.",
    ),
    spec(
        "Déontologie et reconversion des agents publics",
        "Droit",
        PORTALIS,
        D,
        (3, 20),
        (Some(900), None),
        "Contrôle déontologique des départs vers le secteur privé, prévention des conflits \
        d'intérêts et obligations après la cessation de fonctions.",
    ),
    spec(
        "Droit du travail : l'essentiel pour le manager",
        "Droit",
        PORTALIS,
        H,
        (7, 18),
        (None, Some(260)),
        "Contrat de travail, temps de travail, pouvoir disciplinaire et relations avec les \
        représentants du personnel : les règles que tout manager doit connaître.",
    ),
    spec(
        "Contrats publics et marchés de défense vus par l'industriel",
        "Droit",
        PORTALIS,
        P,
        (7, 14),
        (Some(2600), None),
        "Répondre à un appel d'offres, négocier et exécuter un marché de défense du côté du \
        titulaire : risques, pénalités et contentieux.",
    ),
    spec(
        "Le rôle de l'administrateur de société",
        "Gouvernance d'entreprise",
        SULLY,
        P,
        (21, 12),
        (Some(6900), Some(250)),
        "Missions et responsabilités du conseil d'administration, fonctionnement des comités, \
        relations avec la direction générale et les actionnaires.",
    ),
    spec(
        "Comités d'audit et gestion des risques",
        "Gouvernance d'entreprise",
        SULLY,
        P,
        (14, 10),
        (Some(4500), None),
        "Cartographie des risques, contrôle interne, relations avec les commissaires aux comptes \
        : siéger utilement dans un comité d'audit.",
    ),
    spec(
        "RSE et gouvernance durable",
        "Gouvernance d'entreprise",
        SULLY,
        D,
        (3, 20),
        (Some(800), None),
        "Obligations de reporting extra-financier, stratégie climat et attentes des parties \
        prenantes : ce que le conseil doit exiger.",
    ),
    spec(
        "Prise de parole en public et media training",
        "Communication",
        MONTAIGNE,
        P,
        (14, 8),
        (Some(4200), None),
        "Structurer un message, tenir une interview et répondre aux questions difficiles. \
        Exercices face caméra avec un journaliste.",
    ),
    spec(
        "Construire son réseau et son identité professionnelle en ligne",
        "Communication",
        MONTAIGNE,
        D,
        (3, 20),
        (None, Some(120)),
        "Rédiger un profil professionnel convaincant, traduire son parcours militaire pour des \
        recruteurs civils et animer son réseau.",
    ),
    spec(
        "Communication de crise en entreprise",
        "Communication",
        MONTAIGNE,
        H,
        (7, 12),
        (Some(2400), None),
        "Anticiper, organiser une cellule de crise et communiquer vers les salariés, les clients \
        et les médias. Simulation en temps réel.",
    ),
    spec(
        "Bilan de compétences et projet professionnel",
        "Coaching",
        LYAUTEY,
        P,
        (7, 6),
        (None, Some(650)),
        "Identifier ses compétences transférables, ses motivations et les secteurs cibles ; \
        formaliser un projet professionnel réaliste.",
    ),
    spec(
        "Leadership civil : du commandement à l'influence",
        "Coaching",
        LYAUTEY,
        P,
        (14, 10),
        (Some(3500), None),
        "Diriger sans autorité hiérarchique, convaincre des pairs et des actionnaires : ateliers \
        de codéveloppement entre officiers généraux.",
    ),
    spec(
        "Réussir ses entretiens de recrutement de dirigeant",
        "Coaching",
        LYAUTEY,
        H,
        (7, 8),
        (None, Some(420)),
        "Entretiens avec des chasseurs de têtes et des conseils d'administration : préparation, \
        simulations et retours individualisés.",
    ),
    spec(
        "Transformation numérique et intelligence artificielle pour dirigeants",
        "Numérique",
        ADA,
        H,
        (14, 20),
        (Some(3800), None),
        "Comprendre les technologies qui transforment les modèles d'affaires, évaluer un projet \
        d'IA et en maîtriser les risques.",
    ),
    spec(
        "Cybersécurité : la responsabilité du dirigeant",
        "Numérique",
        ADA,
        D,
        (7, 20),
        (Some(1800), None),
        "Menaces, obligations réglementaires et gouvernance de la sécurité numérique ; exercice \
        de gestion d'une attaque par rançongiciel.",
    ),
    spec(
        "Piloter les ressources humaines d'une PME",
        "Ressources humaines",
        CARRIERES,
        P,
        (14, 14),
        (None, Some(380)),
        "Recrutement, fidélisation, rémunération et gestion des compétences dans une entreprise \
        de 50 à 500 salariés.",
    ),
    spec(
        "Dialogue social et relations avec les partenaires sociaux",
        "Ressources humaines",
        CARRIERES,
        P,
        (7, 12),
        (Some(2200), None),
        "Instances représentatives du personnel, négociation collective et prévention des \
        conflits sociaux.",
    ),
];
/// Index of the archived training in `TRAININGS`.
const ARCHIVED_TRAINING: usize = 24;

#[rustfmt::skip]
const TRAINERS: [&str; 16] = [
    "Isabelle Marchand", "Philippe Garnier", "Nathalie Roux", "Olivier Chevalier",
    "Catherine Blanchard", "Laurent Mercier", "Hélène Fabre", "Stéphane Perrin", "Valérie Colin",
    "Thierry Gauthier", "Anne-Sophie Renaud", "Bruno Masson", "Émilie Picard", "François Lemaire",
    "Sandrine Aubert", "Éric Vidal",
];

/// Paris comes up more often than the regions, as it does in reality.
const ADDRESSES: [&str; 10] = [
    "École militaire, 1 place Joffre, 75007 Paris",
    "Hexagone Balard, 60 boulevard du Général Martial Valin, 75015 Paris",
    "Institut Vauban Formation, 24 rue de la Boétie, 75008 Paris",
    "Cercle Sully, 47 rue de Lille, 75007 Paris",
    "Centre de conférences Ventadour, 12 rue de Ventadour, 75001 Paris",
    "École militaire, 1 place Joffre, 75007 Paris",
    "Maison des entrepreneurs, 8 quai Claude Bernard, 69007 Lyon",
    "Espace Colbert, 5 cours de l'Intendance, 33000 Bordeaux",
    "Campus Vauban, 2 rue du Général Leclerc, 35000 Rennes",
    "Pôle Méditerranée, 20 boulevard Notre-Dame, 13006 Marseille",
];

#[rustfmt::skip]
const MALE_FIRST_NAMES: [&str; 50] = [
    "Marc", "Philippe", "Jean-Pierre", "Thierry", "Laurent", "Pascal", "Éric", "Olivier",
    "Christophe", "Patrick", "Bruno", "Hervé", "Denis", "Didier", "François", "Frédéric",
    "Stéphane", "Jean-Marc", "Arnaud", "Benoît", "Bertrand", "Emmanuel", "Gilles", "Hugues",
    "Jacques", "Jérôme", "Luc", "Michel", "Nicolas", "Rémi", "Sébastien", "Thibault", "Vincent",
    "Xavier", "Yves", "Alain", "Dominique", "Guillaume", "Henri", "Jean-Luc", "Loïc", "Mathieu",
    "Régis", "Christian", "Gérard", "Franck", "Cyril", "Edouard", "Tanguy", "Yann",
];
#[rustfmt::skip]
const FEMALE_FIRST_NAMES: [&str; 10] = [
    "Anne", "Catherine", "Isabelle", "Valérie", "Nathalie", "Sylvie", "Florence", "Véronique",
    "Cécile", "Marie-Laure",
];
#[rustfmt::skip]
const LAST_NAMES: [&str; 90] = [
    "Martin", "Petit", "Durand", "Leroy", "Simon", "Lefèvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont",
    "Lambert", "Bonnet", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller",
    "Henry", "Roussel", "Perrin", "Morin", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine",
    "Chevalier", "Robin", "Masson", "Nguyen", "Boyer", "Lemaire", "Duval", "Joly", "Roche", "Meyer",
    "Lucas", "Meunier", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet",
    "Schmitt", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland", "Caron", "Aubert",
    "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix",
    "Fabre", "Dupuis", "Hubert", "Rivière", "Le Gall", "Da Silva", "Moulin", "Berger", "Lecomte",
    "Ménard", "Fleury", "Deschamps", "Carpentier", "Prévost", "Poirier", "Charpentier", "Kervella",
];

/// An armée, the grades its general officers hold (commonest first) and how they are addressed.
struct Service {
    armee: &'static str,
    grades: &'static [&'static str],
    title: &'static str,
    weight: u64,
}

const SERVICES: [Service; 6] = [
    Service {
        armee: "Armée de Terre",
        grades: &[
            "Général de brigade",
            "Général de division",
            "Général de corps d'armée",
        ],
        title: "Général",
        weight: 40,
    },
    Service {
        armee: "Marine nationale",
        grades: &["Contre-amiral", "Vice-amiral", "Vice-amiral d'escadre"],
        title: "Amiral",
        weight: 15,
    },
    Service {
        armee: "Armée de l'Air et de l'Espace",
        grades: &[
            "Général de brigade aérienne",
            "Général de division aérienne",
            "Général de corps aérien",
        ],
        title: "Général",
        weight: 18,
    },
    Service {
        armee: "Gendarmerie nationale",
        grades: &[
            "Général de brigade",
            "Général de division",
            "Général de corps d'armée",
        ],
        title: "Général",
        weight: 15,
    },
    Service {
        armee: "Service de santé des armées",
        grades: &["Médecin général", "Médecin général inspecteur"],
        title: "Médecin général",
        weight: 6,
    },
    Service {
        armee: "Direction générale de l'armement",
        grades: &[
            "Ingénieur général de 2e classe",
            "Ingénieur général de 1re classe",
        ],
        title: "Ingénieur général",
        weight: 6,
    },
];

const CAREER_GOALS: [&str; 14] = [
    "Administrateur indépendant dans l'industrie de défense",
    "Directeur de la sûreté d'un groupe industriel",
    "Dirigeant d'une PME de l'aéronautique",
    "Directeur général d'une fondation reconnue d'utilité publique",
    "Consultant indépendant en gestion de crise",
    "Directeur des opérations d'un groupe de logistique",
    "Directeur des ressources humaines d'une entreprise de taille intermédiaire",
    "Responsable des affaires publiques d'un groupe du secteur de l'énergie",
    "Directeur de la sécurité des systèmes d'information d'un opérateur d'importance vitale",
    "Membre de conseils d'administration d'entreprises de taille intermédiaire",
    "Créateur d'un cabinet de conseil en stratégie",
    "Directeur d'un établissement de santé privé",
    "Directeur de programme chez un maître d'œuvre industriel",
    "Délégué général d'une fédération professionnelle",
];

const GOOD_COMMENTS: [&str; 6] = [
    "Formation dense et très concrète, directement utile pour mon projet.",
    "Excellent intervenant, nombreux cas pratiques tirés de la vie des entreprises.",
    "Les échanges entre participants ont été particulièrement riches.",
    "Très bonne introduction ; j'aurais aimé une demi-journée de plus.",
    "Supports clairs, que je réutiliserai pour préparer mes entretiens.",
    "Le regard d'un dirigeant civil sur nos habitudes de commandement m'a beaucoup apporté.",
];
const MIXED_COMMENTS: [&str; 4] = [
    "Contenu intéressant mais trop théorique pour mon projet.",
    "Rythme un peu rapide sur la deuxième partie.",
    "Bonne formation, mais une partie des notions m'était déjà connue.",
    "Utile, même si les exemples concernaient surtout les grands groupes.",
];
const POOR_COMMENTS: [&str; 3] = [
    "Le contenu ne correspondait pas au programme annoncé.",
    "Trop générale pour des participants ayant déjà une expérience de direction.",
    "Organisation perfectible : salle trop petite et démarrage tardif.",
];

/// What an upcoming session of the demo looks like; the position in `UPCOMING` fixes its date.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Past,
    Draft,
    Cancelled,
    /// Published, three free seats or more.
    Roomy,
    /// Published, exactly one free seat, no waitlist.
    OneLeft,
    /// Published and full, with this many officers waiting.
    Full(usize),
}

use Kind::{Cancelled as X, Draft as B, Full as F, OneLeft as O, Roomy as R};

/// Upcoming sessions from two days to six months ahead, in date order. The end-to-end tests
/// rely on the `OneLeft` ones (a month or more ahead) and on the full ones with a waitlist, and
/// book the first session the catalogue shows with free seats: the first ones, whose enrolment
/// deadline has passed, are therefore full.
#[rustfmt::skip]
const UPCOMING: [Kind; 42] = [
    F(2), F(3), F(0), X, R, R, F(2), O, R, R, F(4), R, O, R, R, F(6), R, R, O, R, X, R, F(5), R, R, O,
    R, R, R, F(2), R, R, R, O, R, R, B, R, R, B, R, B,
];
const PAST_SESSIONS: usize = 38;
const HORIZON_DAYS: i64 = 180;

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-random numbers (xorshift64*): the same demo every time, no dependency.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + (self.next() % (hi - lo + 1) as u64) as i64
        }
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The plan: rows in memory, referring to each other by index.

struct UserPlan {
    email: String,
    display_name: String,
    role: Role,
    profile: Option<ProfilePlan>,
}

struct ProfilePlan {
    grade: &'static str,
    armee: &'static str,
    phone: String,
    departure: NaiveDate,
}

struct SessionPlan {
    training: usize,
    kind: Kind,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    enrolment_deadline: DateTime<Utc>,
    cancellation_deadline: DateTime<Utc>,
    capacity: i32,
    location: &'static str,
    visio_url: Option<String>,
    trainer: &'static str,
    created_at: DateTime<Utc>,
}

struct EnrolPlan {
    session: usize,
    officer: usize,
    status: EnrolmentStatus,
    waitlist_rank: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
}

struct FeedbackPlan {
    session: usize,
    officer: usize,
    overall: i16,
    usefulness: i16,
    comment: &'static str,
    created_at: DateTime<Utc>,
}

struct ProgrammePlan {
    officer: usize,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    goal: &'static str,
    created_at: DateTime<Utc>,
    items: Vec<(usize, Priority)>,
}

struct Plan {
    now: DateTime<Utc>,
    users: Vec<UserPlan>,
    sessions: Vec<SessionPlan>,
    enrolments: Vec<EnrolPlan>,
    feedback: Vec<FeedbackPlan>,
    programmes: Vec<ProgrammePlan>,
}

/// The demo officer's places, chosen before anyone else's.
#[derive(Default)]
struct DemoPlaces {
    attended: Vec<usize>,
    confirmed: Vec<usize>,
    waitlisted: Option<usize>,
}

struct Planner {
    rng: Rng,
    now: DateTime<Utc>,
    today: NaiveDate,
    plan: Plan,
    demo: DemoPlaces,
    /// Per user: the time slots of every session they have a row in.
    calendar: Vec<Vec<(DateTime<Utc>, DateTime<Utc>)>>,
    /// Per user: trainings already attended or booked, never booked twice.
    booked_trainings: Vec<HashSet<usize>>,
    /// Per training: officers whose programme lists it, enrolled first.
    wanted_by: Vec<Vec<usize>>,
}

impl Planner {
    fn new(now: DateTime<Utc>) -> Self {
        // Whole seconds, so that every timestamp reads back from the database exactly as written.
        let now = now.trunc_subsecs(0);
        Planner {
            rng: Rng(0x00C4_5510_2026_A11E),
            now,
            today: now.with_timezone(&Paris).date_naive(),
            plan: Plan {
                now,
                users: Vec::new(),
                sessions: Vec::new(),
                enrolments: Vec::new(),
                feedback: Vec::new(),
                programmes: Vec::new(),
            },
            demo: DemoPlaces::default(),
            calendar: Vec::new(),
            booked_trainings: Vec::new(),
            wanted_by: vec![Vec::new(); TRAININGS.len()],
        }
    }

    fn build(mut self) -> Plan {
        self.plan_users();
        self.plan_sessions();
        self.plan_programmes();
        self.choose_demo_places();
        self.plan_demo_programme();
        for s in 0..self.plan.sessions.len() {
            self.fill_session(s);
        }
        self.plan
    }

    // --- people

    fn plan_users(&mut self) {
        let mut seen: HashSet<String> = HashSet::new();
        for (email, name, role) in FIXED_ACCOUNTS {
            seen.insert(email.to_owned());
            let profile = (role == Role::Officer).then(|| ProfilePlan {
                grade: "Général de corps d'armée",
                armee: "Armée de Terre",
                phone: "06 12 34 56 78".to_owned(),
                departure: self.today + Duration::days(120),
            });
            self.push_user(email.to_owned(), name.to_owned(), role, profile);
        }
        while self.plan.users.len() < FIXED_ACCOUNTS.len() + OTHER_OFFICERS {
            let first = if self.rng.percent(12) {
                self.rng.pick(&FEMALE_FIRST_NAMES)
            } else {
                self.rng.pick(&MALE_FIRST_NAMES)
            };
            let last = self.rng.pick(&LAST_NAMES);
            let email = format!("{}.{}@{EMAIL_DOMAIN}", slug(first), slug(last));
            if seen.insert(email.clone()) {
                self.push_officer(email, first, last);
            }
        }
    }

    fn push_officer(&mut self, email: String, first: &str, last: &str) {
        let service = self.pick_service();
        // Two generals in three hold the first star or two.
        let grade = match self.rng.below(10) {
            0..=5 => service.grades[0],
            6..=8 => service.grades[1],
            _ => service.grades[service.grades.len() - 1],
        };
        let profile = ProfilePlan {
            grade,
            armee: service.armee,
            phone: format!(
                "06 {:02} {:02} {:02} {:02}",
                self.rng.below(100),
                self.rng.below(100),
                self.rng.below(100),
                self.rng.below(100)
            ),
            departure: self.today + Duration::days(self.rng.range(-365, 365)),
        };
        let name = format!("{} {first} {last}", service.title);
        self.push_user(email, name, Role::Officer, Some(profile));
    }

    fn pick_service(&mut self) -> &'static Service {
        let total: u64 = SERVICES.iter().map(|s| s.weight).sum();
        let mut roll = self.rng.next() % total;
        for service in &SERVICES {
            if roll < service.weight {
                return service;
            }
            roll -= service.weight;
        }
        &SERVICES[0]
    }

    fn push_user(&mut self, email: String, name: String, role: Role, profile: Option<ProfilePlan>) {
        self.plan.users.push(UserPlan {
            email,
            display_name: name,
            role,
            profile,
        });
        self.calendar.push(Vec::new());
        self.booked_trainings.push(HashSet::new());
    }

    fn officers(&self) -> std::ops::Range<usize> {
        (DEMO_OFFICER + 1)..(FIXED_ACCOUNTS.len() + OTHER_OFFICERS)
    }

    // --- sessions

    fn plan_sessions(&mut self) {
        // Spread evenly over working days, so that holidays do not pile sessions up after them.
        let d = |days: i64| self.today + Duration::days(days);
        let past = working_days(d(-HORIZON_DAYS), d(-3));
        let upcoming = working_days(d(2), d(HORIZON_DAYS));
        // Past sessions, from six months ago to three days ago.
        for i in 0..PAST_SESSIONS {
            let date = past[i * (past.len() - 1) / (PAST_SESSIONS - 1)];
            self.push_session((i * 7 + 2) % TRAININGS.len(), Kind::Past, date);
        }
        // Upcoming ones, from two days to six months ahead; the archived training has none.
        let active = TRAININGS.len() - 1;
        for (i, kind) in UPCOMING.into_iter().enumerate() {
            let date = upcoming[i * (upcoming.len() - 1) / (UPCOMING.len() - 1)];
            self.push_session((i * 5 + 1) % active, kind, date);
        }
    }

    fn push_session(&mut self, t: usize, kind: Kind, day: NaiveDate) {
        let spec = &TRAININGS[t];
        let days = ((spec.hours + 6) / 7).max(1) as u32;
        let date = fit_week(day, days, kind != Kind::Past);
        let last_day = date + Duration::days(i64::from(days) - 1);
        // Half-day sessions take the afternoon; the others run 9:00–17:30 with a lunch break.
        let (starts_at, ends_at) = if spec.hours < 7 {
            (paris(date, 14, 0), paris(date, 14 + spec.hours as u32, 0))
        } else {
            (paris(date, 9, 0), paris(last_day, 17, 30))
        };
        let published = paris(date - Duration::days(self.rng.range(40, 75)), 10, 0);
        // A session cannot have been planned in the future.
        let created_at = if published > self.now - Duration::days(2) {
            self.now - Duration::days(self.rng.range(2, 20))
        } else {
            published
        };
        let visio_url = (spec.format != TrainingFormat::Presentiel).then(|| {
            format!(
                "https://visio.{EMAIL_DOMAIN}/classe/{:08x}",
                self.rng.next() as u32
            )
        });
        let location = match spec.format {
            TrainingFormat::Distanciel => "Classe virtuelle",
            _ => self.rng.pick(&ADDRESSES),
        };
        self.plan.sessions.push(SessionPlan {
            training: t,
            kind,
            starts_at,
            ends_at,
            enrolment_deadline: paris(date - Duration::days(7), 23, 59),
            cancellation_deadline: paris(date - Duration::days(3), 23, 59),
            capacity: spec.capacity,
            location,
            visio_url,
            // Each training has its two usual trainers.
            trainer: TRAINERS[(t * 2 + self.rng.below(2)) % TRAINERS.len()],
            created_at,
        });
    }

    fn overlaps_any(&self, slot: (DateTime<Utc>, DateTime<Utc>), user: usize) -> bool {
        self.calendar[user]
            .iter()
            .any(|&other| overlap(slot, other))
    }

    fn slot(&self, s: usize) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.plan.sessions[s].starts_at,
            self.plan.sessions[s].ends_at,
        )
    }

    // --- programmes

    fn plan_programmes(&mut self) {
        let active = TRAININGS.len() - 1;
        for officer in self.officers() {
            if !self.rng.percent(80) {
                continue;
            }
            let mut trainings: Vec<usize> = (0..active).collect();
            self.rng.shuffle(&mut trainings);
            trainings.truncate(self.rng.range(3, 6) as usize);
            let items: Vec<(usize, Priority)> = trainings
                .into_iter()
                .enumerate()
                .map(|(pos, t)| (t, self.priority_at(pos)))
                .collect();
            // Programmes under way: started within ten months, ending two months from now or later.
            let starts_on = self.today - Duration::days(self.rng.range(0, 300));
            let min_end = self.today + Duration::days(60);
            let span = self
                .rng
                .range(183, 548)
                .max((min_end - starts_on).num_days());
            let ends_on = starts_on + Duration::days(span);
            let goal = self.rng.pick(&CAREER_GOALS);
            self.push_programme(officer, starts_on, ends_on, goal, items);
        }
    }

    fn priority_at(&mut self, position: usize) -> Priority {
        match position {
            0 => Priority::Obligatoire,
            1 if self.rng.percent(50) => Priority::Obligatoire,
            _ if self.rng.percent(55) => Priority::Recommandee,
            _ => Priority::Optionnelle,
        }
    }

    fn push_programme(
        &mut self,
        officer: usize,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        goal: &'static str,
        items: Vec<(usize, Priority)>,
    ) {
        for &(t, _) in &items {
            self.wanted_by[t].push(officer);
        }
        let created_at = paris(starts_on - Duration::days(14), 10, 0).min(self.now);
        self.plan.programmes.push(ProgrammePlan {
            officer,
            starts_on,
            ends_on,
            goal,
            created_at,
            items,
        });
    }

    // --- the demo officer: a realistic state that overlaps nobody else's sessions

    fn choose_demo_places(&mut self) {
        let sessions: Vec<usize> = (0..self.plan.sessions.len()).collect();
        let recent_past = sessions.iter().copied().filter(|&s| self.is_past(s)).rev();
        let attended: Vec<usize> = recent_past.step_by(4).collect();
        for s in attended {
            if self.demo.attended.len() < 3 && self.demo_can_take(s, false) {
                self.take_for_demo(s);
                self.demo.attended.push(s);
            }
        }
        let soon = self.now + Duration::days(10);
        for &s in &sessions {
            let sess = &self.plan.sessions[s];
            if sess.kind == Kind::Roomy
                && sess.starts_at > soon
                && self.demo.confirmed.len() < 3
                && self.demo_can_take(s, true)
            {
                self.take_for_demo(s);
                self.demo.confirmed.push(s);
            }
        }
        let later = self.now + Duration::days(20);
        for &s in &sessions {
            let sess = &self.plan.sessions[s];
            let long_queue = matches!(sess.kind, Kind::Full(n) if n >= 3);
            if long_queue
                && sess.starts_at > later
                && self.demo.waitlisted.is_none()
                && self.demo_can_take(s, true)
            {
                self.take_for_demo(s);
                self.demo.waitlisted = Some(s);
            }
        }
    }

    fn is_past(&self, s: usize) -> bool {
        self.plan.sessions[s].kind == Kind::Past
    }

    /// A new training for him, free in his calendar and, for upcoming places, overlapping no
    /// other upcoming session: trying the catalogue as him must never hit his own bookings.
    fn demo_can_take(&self, s: usize, upcoming: bool) -> bool {
        let slot = self.slot(s);
        let training = self.plan.sessions[s].training;
        if self.booked_trainings[DEMO_OFFICER].contains(&training)
            || self.overlaps_any(slot, DEMO_OFFICER)
        {
            return false;
        }
        !upcoming
            || (0..self.plan.sessions.len()).all(|o| {
                o == s
                    || self.is_past(o)
                    || self.plan.sessions[o].kind == Kind::Cancelled
                    || !overlap(slot, self.slot(o))
            })
    }

    fn take_for_demo(&mut self, s: usize) {
        let slot = self.slot(s);
        self.calendar[DEMO_OFFICER].push(slot);
        self.booked_trainings[DEMO_OFFICER].insert(self.plan.sessions[s].training);
    }

    fn plan_demo_programme(&mut self) {
        let training = |s: &usize| self.plan.sessions[*s].training;
        let d = &self.demo;
        let mut items: Vec<(usize, Priority)> = Vec::new();
        let mut push = |t: Option<usize>, p: Priority| {
            if let Some(t) = t.filter(|t| items.iter().all(|(i, _)| i != t)) {
                items.push((t, p));
            }
        };
        push(d.attended.first().map(training), Priority::Obligatoire);
        push(d.confirmed.first().map(training), Priority::Obligatoire);
        push(d.confirmed.get(1).map(training), Priority::Recommandee);
        push(d.waitlisted.as_ref().map(training), Priority::Recommandee);
        push(d.attended.get(1).map(training), Priority::Optionnelle);
        // One training still to plan, so that « À planifier » shows too.
        let unplanned =
            (0..TRAININGS.len() - 1).find(|t| !self.booked_trainings[DEMO_OFFICER].contains(t));
        push(unplanned, Priority::Optionnelle);
        let starts_on = self.today - Duration::days(120);
        let goal = CAREER_GOALS[0];
        self.push_programme(
            DEMO_OFFICER,
            starts_on,
            starts_on + Duration::days(420),
            goal,
            items,
        );
    }

    // --- enrolments

    fn fill_session(&mut self, s: usize) {
        let (statuses, waitlist) = self.session_targets(s);
        let mut rows: Vec<(usize, EnrolmentStatus)> = Vec::new();
        let demo_in = self.demo.attended.contains(&s) || self.demo.confirmed.contains(&s);
        let others = statuses.len().saturating_sub(usize::from(demo_in));
        let mut officers = self.pick_officers(s, others + waitlist).into_iter();
        let mut statuses = statuses.into_iter();
        if demo_in {
            // He came, and booked: his row is one of the confirmed ones.
            let first = statuses.next().unwrap_or(EnrolmentStatus::Inscrit);
            let status = if first.is_live() {
                first
            } else {
                EnrolmentStatus::Present
            };
            rows.push((DEMO_OFFICER, status));
        }
        rows.extend(statuses.zip(officers.by_ref()).map(|(st, o)| (o, st)));
        // Arrival order is mixed, but the waitlist came last, once the session was full.
        self.rng.shuffle(&mut rows);
        let mut queue: Vec<usize> = officers.collect();
        if self.demo.waitlisted == Some(s) {
            queue.insert(1.min(queue.len()), DEMO_OFFICER);
        }
        rows.extend(
            queue
                .into_iter()
                .map(|o| (o, EnrolmentStatus::ListeAttente)),
        );
        self.stamp_rows(s, rows);
    }

    /// The statuses of the non-waiting rows of a session, and how many officers wait.
    fn session_targets(&mut self, s: usize) -> (Vec<EnrolmentStatus>, usize) {
        use EnrolmentStatus::*;
        let sess = &self.plan.sessions[s];
        let cap = sess.capacity as i64;
        let late_possible = sess.cancellation_deadline < self.now;
        let far = sess.starts_at > self.now + Duration::days(100);
        let mut statuses = Vec::new();
        let mut waitlist = 0;
        match sess.kind {
            Kind::Draft | Kind::Cancelled => {}
            Kind::Past => {
                let attended = self.rng.range(cap * 6 / 10, cap);
                for _ in 0..attended {
                    statuses.push(match self.rng.below(100) {
                        0..=84 => Present,
                        85..=91 => Absent,
                        _ => Excuse,
                    });
                }
                self.maybe_push(&mut statuses, 35, DesistementTardif);
                self.maybe_push(&mut statuses, 25, Desinscrit);
            }
            Kind::Roomy => {
                let hi = cap - 3;
                let n = if far {
                    self.rng.range(0, hi / 2)
                } else {
                    self.rng.range(hi / 3, hi)
                };
                statuses.extend((0..n.max(1)).map(|_| Inscrit));
                self.maybe_push(&mut statuses, 30, Desinscrit);
            }
            Kind::OneLeft => statuses.extend((0..cap - 1).map(|_| Inscrit)),
            Kind::Full(n) => {
                statuses.extend((0..cap).map(|_| Inscrit));
                waitlist = n;
                if late_possible && n > 0 {
                    // A late withdrawal whose seat went to the first officer waiting: the
                    // dashboard's late-cancellation alert has something to show.
                    statuses.push(DesistementTardif);
                }
            }
        }
        // The demo officer's own row comes first among them (see `fill_session`).
        if self.demo.waitlisted == Some(s) {
            waitlist = waitlist.saturating_sub(1);
        }
        (statuses, waitlist)
    }

    fn maybe_push(&mut self, statuses: &mut Vec<EnrolmentStatus>, p: u64, st: EnrolmentStatus) {
        if self.rng.percent(p) {
            statuses.push(st);
        }
    }

    /// `n` officers free at that time who have not booked this training yet, those whose
    /// programme asks for it first.
    fn pick_officers(&mut self, s: usize, n: usize) -> Vec<usize> {
        let training = self.plan.sessions[s].training;
        let slot = self.slot(s);
        let mut wanted = self.wanted_by[training].clone();
        let mut others: Vec<usize> = self.officers().collect();
        self.rng.shuffle(&mut wanted);
        self.rng.shuffle(&mut others);
        let mut chosen = Vec::with_capacity(n);
        for o in wanted.into_iter().chain(others) {
            if chosen.len() == n {
                break;
            }
            let free = o != DEMO_OFFICER
                && !chosen.contains(&o)
                && !self.booked_trainings[o].contains(&training)
                && !self.overlaps_any(slot, o);
            if free {
                self.calendar[o].push(slot);
                self.booked_trainings[o].insert(training);
                chosen.push(o);
            }
        }
        chosen
    }

    /// Gives the rows their times: arrivals between publication and the enrolment deadline,
    /// in row order, so that waitlist ranks follow the order of arrival.
    fn stamp_rows(&mut self, s: usize, rows: Vec<(usize, EnrolmentStatus)>) {
        let sess = &self.plan.sessions[s];
        let (open, close) = (
            sess.created_at + Duration::hours(1),
            sess.enrolment_deadline.min(self.now - Duration::hours(1)),
        );
        let (cancel_by, starts_at, ends_at) =
            (sess.cancellation_deadline, sess.starts_at, sess.ends_at);
        let arrivals = self.arrival_times(open, close, rows.len());
        let mut rank = 0;
        for ((officer, status), created_at) in rows.into_iter().zip(arrivals) {
            let waitlist_rank = (status == EnrolmentStatus::ListeAttente).then(|| {
                rank += 1;
                rank
            });
            let cancelled_at = match status {
                EnrolmentStatus::Desinscrit => {
                    Some(self.between(created_at, cancel_by.min(self.now)))
                }
                EnrolmentStatus::DesistementTardif => {
                    Some(self.between(cancel_by, starts_at.min(self.now)))
                }
                _ => None,
            };
            let updated_at = match status {
                EnrolmentStatus::Present | EnrolmentStatus::Absent | EnrolmentStatus::Excuse => {
                    self.attendance_recorded(ends_at)
                }
                _ => cancelled_at.unwrap_or(created_at),
            };
            let confirmed_at = (status != EnrolmentStatus::ListeAttente).then_some(created_at);
            if status == EnrolmentStatus::Present && self.gives_feedback(s, officer) {
                self.push_feedback(s, officer, ends_at);
            }
            self.plan.enrolments.push(EnrolPlan {
                session: s,
                officer,
                status,
                waitlist_rank,
                created_at,
                updated_at,
                confirmed_at,
                cancelled_at,
            });
        }
    }

    /// Most participants answer the questionnaire; the demo officer has one left to fill in.
    fn gives_feedback(&mut self, s: usize, officer: usize) -> bool {
        if officer == DEMO_OFFICER {
            self.demo.attended.first() != Some(&s)
        } else {
            self.rng.percent(65)
        }
    }

    fn attendance_recorded(&self, ends_at: DateTime<Utc>) -> DateTime<Utc> {
        (ends_at + Duration::hours(1)).min(self.now)
    }

    /// `n` strictly increasing whole-second times in `[open, close]` (or just after `open`).
    fn arrival_times(
        &mut self,
        open: DateTime<Utc>,
        close: DateTime<Utc>,
        n: usize,
    ) -> Vec<DateTime<Utc>> {
        // Officers book in the daytime or the evening, not at 4 in the morning.
        let first_day = open.with_timezone(&Paris).date_naive();
        let days = (close - open).num_days();
        let mut times: Vec<DateTime<Utc>> = (0..n)
            .map(|_| {
                let day = first_day + Duration::days(self.rng.range(0, days));
                let (hour, minute) = (self.rng.range(7, 22) as u32, self.rng.range(0, 59) as u32);
                let t = paris(day, hour, minute) + Duration::seconds(self.rng.range(0, 59));
                t.max(open).min(close)
            })
            .collect();
        times.sort_unstable();
        for i in 1..times.len() {
            times[i] = times[i].max(times[i - 1] + Duration::seconds(1));
        }
        times
    }

    /// A whole-second time strictly after `from` and, when there is room, before `to`.
    fn between(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
        let span = (to - from).num_seconds();
        from + Duration::seconds(self.rng.range(1, span - 1))
    }

    fn push_feedback(&mut self, s: usize, officer: usize, ends_at: DateTime<Utc>) {
        // Some trainings are simply better liked than others.
        let base = [4, 4, 5, 3, 4][self.plan.sessions[s].training % 5];
        let overall: i16 = (base + self.rng.pick(&[-2, -1, 0, 0, 0, 1])).clamp(1, 5);
        let usefulness = (overall + self.rng.pick(&[-1, 0, 0, 1])).clamp(1, 5);
        let comment = if !self.rng.percent(80) {
            ""
        } else if overall >= 4 {
            self.rng.pick(&GOOD_COMMENTS)
        } else if overall == 3 {
            self.rng.pick(&MIXED_COMMENTS)
        } else {
            self.rng.pick(&POOR_COMMENTS)
        };
        // Answered within a few days, during the day.
        let day = ends_at.with_timezone(&Paris).date_naive() + Duration::days(self.rng.range(0, 3));
        let (hour, minute) = (self.rng.range(8, 20) as u32, self.rng.range(0, 59) as u32);
        let answered = paris(day, hour, minute).max(ends_at + Duration::minutes(30));
        let created_at = answered.min(self.now);
        self.plan.feedback.push(FeedbackPlan {
            session: s,
            officer,
            overall,
            usefulness,
            comment,
            created_at,
        });
    }
}

/// Moves a session of `days` days until all of them are working days (forward for upcoming
/// sessions so that they stay ahead, backward for past ones so that they stay behind).
fn fit_week(mut date: NaiveDate, days: u32, forward: bool) -> NaiveDate {
    while (0..i64::from(days)).any(|k| is_day_off(date + Duration::days(k))) {
        date += Duration::days(if forward { 1 } else { -1 });
    }
    date
}

/// The working days of `[from, to]`.
fn working_days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| !is_day_off(*d))
        .collect()
}

/// Weekends, French public holidays, the Christmas break and the August shutdown: nobody would
/// schedule a training then.
fn is_day_off(d: NaiveDate) -> bool {
    let (month, day) = (d.month(), d.day());
    let fixed = matches!(
        (month, day),
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
    );
    let closed =
        (month == 12 && day >= 21) || (month == 1 && day <= 2) || (month == 8 && day <= 23);
    // Easter Monday, Ascension Thursday and Whit Monday.
    let movable = easter(d.year()).is_some_and(|e| [1, 39, 50].contains(&(d - e).num_days()));
    d.weekday().num_days_from_monday() >= 5 || fixed || closed || movable
}

/// Easter Sunday of the Gregorian calendar (anonymous algorithm, Meeus/Jones/Butcher).
fn easter(year: i32) -> Option<NaiveDate> {
    let (a, b, c) = (year % 19, year / 100, year % 100);
    let (d, e) = (b / 4, b % 4);
    let g = (b - (b + 8) / 25 + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let l = (32 + 2 * e + 2 * (c / 4) - h - c % 4) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(year, (n / 31) as u32, (n % 31 + 1) as u32)
}

/// A Paris wall-clock time as UTC. The times used here (never between 2:00 and 3:00) always
/// exist; should one not, it is read as UTC rather than failing the seed.
fn paris(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let naive = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN));
    Paris
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

/// Half-open intervals `[start, end)` overlap.
fn overlap(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The ASCII, lowercase form of a name used in email addresses: « Le Gall » → « le-gall ».
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' => out.push('i'),
            'ô' | 'ö' => out.push('o'),
            'ù' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'œ' => out.push_str("oe"),
            ' ' | '-' => out.push('-'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Writing the plan

async fn write_plan(
    txn: &DatabaseTransaction,
    plan: &Plan,
    hash: &str,
) -> Result<SeedReport, AppError> {
    let now = plan.now;
    let users = insert_users(txn, plan, hash, now).await?;
    let trainings = insert_trainings(txn, now).await?;
    let sessions = insert_sessions(txn, plan, &trainings).await?;
    let enrolments = plan.enrolments.iter().map(|e| enrolment::ActiveModel {
        session_id: Set(sessions[e.session]),
        officer_id: Set(users[e.officer]),
        status: Set(e.status),
        waitlist_rank: Set(e.waitlist_rank),
        created_at: Set(e.created_at),
        updated_at: Set(e.updated_at),
        confirmed_at: Set(e.confirmed_at),
        cancelled_at: Set(e.cancelled_at),
        ..Default::default()
    });
    insert_batches(txn, enrolments.collect()).await?;
    let feedback = plan.feedback.iter().map(|f| feedback::ActiveModel {
        session_id: Set(sessions[f.session]),
        officer_id: Set(users[f.officer]),
        overall_rating: Set(f.overall),
        usefulness_rating: Set(f.usefulness),
        comment: Set(f.comment.to_owned()),
        created_at: Set(f.created_at),
        ..Default::default()
    });
    insert_batches(txn, feedback.collect()).await?;
    insert_programmes(txn, plan, &users, &trainings).await?;
    Ok(SeedReport {
        created: true,
        officers: plan
            .users
            .iter()
            .filter(|u| u.role == Role::Officer)
            .count(),
        trainings: trainings.len(),
        sessions: sessions.len(),
        enrolments: plan.enrolments.len(),
    })
}

/// Inserts the users and their officer profiles; returns the database id of each user index.
async fn insert_users(
    txn: &DatabaseTransaction,
    plan: &Plan,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i32>, AppError> {
    let rows = plan.users.iter().map(|u| user::ActiveModel {
        email: Set(u.email.clone()),
        display_name: Set(u.display_name.clone()),
        role: Set(u.role),
        password_hash: Set(hash.to_owned()),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    });
    insert_batches(txn, rows.collect()).await?;
    let emails = plan.users.iter().map(|u| u.email.clone());
    let stored = user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .all(txn)
        .await?;
    let ids: HashMap<String, i32> = stored.into_iter().map(|u| (u.email, u.id)).collect();
    let ids = plan
        .users
        .iter()
        .map(|u| ids.get(&u.email).copied())
        .collect::<Option<Vec<_>>>();
    let ids = ids.ok_or_else(|| lost_rows("users"))?;
    let profiles = plan.users.iter().zip(&ids).filter_map(|(u, &id)| {
        let p = u.profile.as_ref()?;
        Some(officer_profile::ActiveModel {
            user_id: Set(id),
            grade: Set(p.grade.to_owned()),
            armee: Set(p.armee.to_owned()),
            phone: Set(Some(p.phone.clone())),
            departure_date: Set(Some(p.departure)),
        })
    });
    insert_batches(txn, profiles.collect()).await?;
    Ok(ids)
}

/// Inserts the catalogue; returns the id of each `TRAININGS` index.
async fn insert_trainings(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
) -> Result<Vec<i32>, AppError> {
    // Trainings have no natural key: ours are the new rows, found by title above the old ids.
    let last = training::Entity::find()
        .order_by_desc(training::Column::Id)
        .one(txn)
        .await?;
    let last_id = last.map_or(0, |t| t.id);
    let rows = TRAININGS
        .iter()
        .enumerate()
        .map(|(i, t)| training::ActiveModel {
            title: Set(t.title.to_owned()),
            description: Set(t.description.to_owned()),
            theme: Set(t.theme.to_owned()),
            provider: Set(t.provider.to_owned()),
            format: Set(t.format),
            duration_hours: Set(t.hours),
            default_capacity: Set(t.capacity),
            fixed_cost_cents: Set(t.fixed_eur.map(|e| e * 100)),
            seat_cost_cents: Set(t.seat_eur.map(|e| e * 100)),
            archived: Set(i == ARCHIVED_TRAINING),
            created_at: Set(now - Duration::days(365)),
            updated_at: Set(now - Duration::days(365)),
            ..Default::default()
        });
    insert_batches(txn, rows.collect()).await?;
    let stored = training::Entity::find()
        .filter(training::Column::Id.gt(last_id))
        .all(txn)
        .await?;
    let ids: HashMap<String, i32> = stored.into_iter().map(|t| (t.title, t.id)).collect();
    let ids = TRAININGS
        .iter()
        .map(|t| ids.get(t.title).copied())
        .collect::<Option<Vec<_>>>();
    ids.ok_or_else(|| lost_rows("trainings"))
}

/// Inserts the sessions with their seat counts, waitlist length and, once held, actual cost;
/// returns the id of each session index.
async fn insert_sessions(
    txn: &DatabaseTransaction,
    plan: &Plan,
    trainings: &[i32],
) -> Result<Vec<i32>, AppError> {
    let mut taken = vec![0i32; plan.sessions.len()];
    let mut waiting = vec![0i64; plan.sessions.len()];
    let mut billed = vec![0i64; plan.sessions.len()];
    for e in &plan.enrolments {
        use EnrolmentStatus::*;
        match e.status {
            Inscrit | Present | Absent | Excuse => taken[e.session] += 1,
            ListeAttente => waiting[e.session] += 1,
            Desinscrit | DesistementTardif => {}
        }
        // Providers bill the seats of late cancellations too.
        if matches!(e.status, Present | Absent | Excuse | DesistementTardif) {
            billed[e.session] += 1;
        }
    }
    let rows = plan.sessions.iter().enumerate().map(|(i, s)| {
        let spec = &TRAININGS[s.training];
        let cost = spec.fixed_eur.unwrap_or(0) * 100 + spec.seat_eur.unwrap_or(0) * 100 * billed[i];
        let status = match s.kind {
            Kind::Past => SessionStatus::Terminee,
            Kind::Draft => SessionStatus::Brouillon,
            Kind::Cancelled => SessionStatus::Annulee,
            _ => SessionStatus::Publiee,
        };
        let updated_at = match s.kind {
            Kind::Past => s.ends_at + Duration::hours(1),
            _ => s.created_at,
        };
        session::ActiveModel {
            training_id: Set(trainings[s.training]),
            starts_at: Set(s.starts_at),
            ends_at: Set(s.ends_at),
            location: Set(s.location.to_owned()),
            visio_url: Set(s.visio_url.clone()),
            capacity: Set(s.capacity),
            min_participants: Set((s.capacity * 4 + 5) / 10),
            enrolment_deadline: Set(s.enrolment_deadline),
            cancellation_deadline: Set(s.cancellation_deadline),
            actual_cost_cents: Set((s.kind == Kind::Past).then_some(cost)),
            trainer: Set(s.trainer.to_owned()),
            status: Set(status),
            seats_taken: Set(taken[i]),
            waitlist_seq: Set(waiting[i]),
            created_at: Set(s.created_at),
            updated_at: Set(updated_at),
            ..Default::default()
        }
    });
    insert_batches(txn, rows.collect()).await?;
    // The trainings are new, so all their sessions are ours; (training, start) is unique here.
    let stored = session::Entity::find()
        .filter(session::Column::TrainingId.is_in(trainings.iter().copied()))
        .all(txn)
        .await?;
    let ids: HashMap<(i32, DateTime<Utc>), i32> = stored
        .into_iter()
        .map(|s| ((s.training_id, s.starts_at), s.id))
        .collect();
    let ids = plan
        .sessions
        .iter()
        .map(|s| ids.get(&(trainings[s.training], s.starts_at)).copied());
    ids.collect::<Option<Vec<_>>>()
        .ok_or_else(|| lost_rows("sessions"))
}

async fn insert_programmes(
    txn: &DatabaseTransaction,
    plan: &Plan,
    users: &[i32],
    trainings: &[i32],
) -> Result<(), AppError> {
    let rows = plan.programmes.iter().map(|p| programme::ActiveModel {
        officer_id: Set(users[p.officer]),
        starts_on: Set(p.starts_on),
        ends_on: Set(p.ends_on),
        career_goal: Set(p.goal.to_owned()),
        created_at: Set(p.created_at),
        updated_at: Set(p.created_at),
        ..Default::default()
    });
    insert_batches(txn, rows.collect()).await?;
    let officers = plan.programmes.iter().map(|p| users[p.officer]);
    let stored = programme::Entity::find()
        .filter(programme::Column::OfficerId.is_in(officers))
        .all(txn)
        .await?;
    let ids: HashMap<i32, i32> = stored.into_iter().map(|p| (p.officer_id, p.id)).collect();
    let mut items = Vec::new();
    for p in &plan.programmes {
        let id = *ids
            .get(&users[p.officer])
            .ok_or_else(|| lost_rows("programmes"))?;
        items.extend(p.items.iter().enumerate().map(|(pos, &(t, priority))| {
            programme_item::ActiveModel {
                programme_id: Set(id),
                training_id: Set(trainings[t]),
                priority: Set(priority),
                position: Set(pos as i32),
                ..Default::default()
            }
        }));
    }
    insert_batches(txn, items).await?;
    Ok(())
}

/// Multi-row inserts of at most `BATCH` rows each.
async fn insert_batches<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait,
{
    let mut rows = rows.into_iter();
    loop {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return Ok(());
        }
        A::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
}

/// Rows just inserted could not be read back: a bug, never the user's doing.
fn lost_rows(table: &str) -> AppError {
    tracing::error!(table, "demo seed: inserted rows not found again");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectOptions, Database};
    use std::time::Instant;

    async fn memory_db() -> DatabaseConnection {
        // One connection: each connection to `:memory:` would be a database of its own.
        let mut opts = ConnectOptions::new("sqlite::memory:".to_owned());
        opts.max_connections(1)
            .min_connections(1)
            .sqlx_logging(false);
        opts.map_sqlx_sqlite_opts(|o| o.foreign_keys(true));
        let db = Database::connect(opts).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db
    }

    /// A fresh PostgreSQL database, or `None` when no server answers (then the test says so).
    async fn postgres_db() -> Option<(DatabaseConnection, DatabaseConnection, String)> {
        let url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let Ok(admin) = Database::connect(&url).await else {
            eprintln!("SKIPPED: PostgreSQL not reachable at {url}");
            return None;
        };
        let name = format!("cassiopee_seed_test_{}", std::process::id());
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
        let db = app::db::connect_and_migrate(&format!("{base}/{name}"))
            .await
            .unwrap();
        Some((admin, db, name))
    }

    struct Data {
        users: Vec<user::Model>,
        sessions: Vec<session::Model>,
        enrolments: Vec<enrolment::Model>,
        feedback: Vec<feedback::Model>,
        programmes: Vec<programme::Model>,
        items: Vec<programme_item::Model>,
        profiles: Vec<officer_profile::Model>,
        trainings: Vec<training::Model>,
    }

    async fn load(db: &DatabaseConnection) -> Data {
        Data {
            users: user::Entity::find().all(db).await.unwrap(),
            sessions: session::Entity::find().all(db).await.unwrap(),
            enrolments: enrolment::Entity::find().all(db).await.unwrap(),
            feedback: feedback::Entity::find().all(db).await.unwrap(),
            programmes: programme::Entity::find().all(db).await.unwrap(),
            items: programme_item::Entity::find().all(db).await.unwrap(),
            profiles: officer_profile::Entity::find().all(db).await.unwrap(),
            trainings: training::Entity::find().all(db).await.unwrap(),
        }
    }

    fn counts_seat(status: EnrolmentStatus) -> bool {
        use EnrolmentStatus::*;
        matches!(status, Inscrit | Present | Absent | Excuse)
    }

    fn attended(status: EnrolmentStatus) -> bool {
        use EnrolmentStatus::*;
        matches!(status, Present | Absent | Excuse)
    }

    /// Every invariant the application relies on, checked on what the database holds.
    fn check_invariants(d: &Data, now: DateTime<Utc>) {
        let sessions: HashMap<i32, &session::Model> =
            d.sessions.iter().map(|s| (s.id, s)).collect();
        let mut pairs = HashSet::new();
        for e in &d.enrolments {
            assert!(
                pairs.insert((e.session_id, e.officer_id)),
                "duplicate row {e:?}"
            );
            let s = sessions[&e.session_id];
            if e.status.is_live() {
                assert!(
                    s.starts_at > now && s.status == SessionStatus::Publiee,
                    "live row on {s:?}"
                );
            }
            assert_eq!(
                e.confirmed_at.is_some(),
                e.status != EnrolmentStatus::ListeAttente,
                "{e:?}"
            );
            assert_eq!(
                e.waitlist_rank.is_some(),
                e.status == EnrolmentStatus::ListeAttente,
                "{e:?}"
            );
            if attended(e.status) {
                assert_eq!(s.status, SessionStatus::Terminee);
            }
            if let Some(c) = e.cancelled_at {
                assert!(c > e.created_at && c <= now, "{e:?}");
            }
        }
        for s in &d.sessions {
            let rows: Vec<_> = d
                .enrolments
                .iter()
                .filter(|e| e.session_id == s.id)
                .collect();
            let taken = rows.iter().filter(|e| counts_seat(e.status)).count() as i32;
            assert_eq!(s.seats_taken, taken, "seats_taken of session {}", s.id);
            assert!(s.seats_taken <= s.capacity);
            let mut queue: Vec<_> = rows
                .iter()
                .filter(|e| e.status == EnrolmentStatus::ListeAttente)
                .collect();
            queue.sort_by_key(|e| e.created_at);
            let ranks: Vec<i64> = queue.iter().filter_map(|e| e.waitlist_rank).collect();
            assert_eq!(
                ranks,
                (1..=queue.len() as i64).collect::<Vec<_>>(),
                "ranks of session {}",
                s.id
            );
            assert_eq!(s.waitlist_seq, queue.len() as i64);
            assert!(
                queue.is_empty() || s.seats_taken == s.capacity,
                "waitlist with free seats: {}",
                s.id
            );
            assert!(
                s.enrolment_deadline < s.cancellation_deadline
                    && s.cancellation_deadline < s.starts_at
            );
            assert!(s.ends_at > s.starts_at);
            let past = s.status == SessionStatus::Terminee;
            assert_eq!(
                past,
                s.ends_at < now,
                "session {} is past iff terminée",
                s.id
            );
            assert_eq!(past, s.actual_cost_cents.is_some());
        }
        check_no_overlap(d, &sessions, |st| st.is_live());
        check_no_overlap(d, &sessions, attended);
        for f in &d.feedback {
            assert!((1..=5).contains(&f.overall_rating) && (1..=5).contains(&f.usefulness_rating));
            let row = d
                .enrolments
                .iter()
                .find(|e| e.session_id == f.session_id && e.officer_id == f.officer_id);
            assert_eq!(row.map(|e| e.status), Some(EnrolmentStatus::Present));
        }
        for p in &d.programmes {
            let mut items: Vec<_> = d.items.iter().filter(|i| i.programme_id == p.id).collect();
            items.sort_by_key(|i| i.position);
            assert!(
                (3..=6).contains(&items.len()),
                "programme {} has {} items",
                p.id,
                items.len()
            );
            let positions: Vec<i32> = items.iter().map(|i| i.position).collect();
            assert_eq!(positions, (0..items.len() as i32).collect::<Vec<_>>());
            let distinct: HashSet<i32> = items.iter().map(|i| i.training_id).collect();
            assert_eq!(distinct.len(), items.len());
            let months = (p.ends_on - p.starts_on).num_days() / 30;
            assert!(
                (6..=18).contains(&months),
                "programme {} lasts {months} months",
                p.id
            );
        }
    }

    fn check_no_overlap(
        d: &Data,
        sessions: &HashMap<i32, &session::Model>,
        keep: impl Fn(EnrolmentStatus) -> bool,
    ) {
        let mut by_officer: HashMap<i32, Vec<&session::Model>> = HashMap::new();
        for e in d.enrolments.iter().filter(|e| keep(e.status)) {
            by_officer
                .entry(e.officer_id)
                .or_default()
                .push(sessions[&e.session_id]);
        }
        for (officer, list) in by_officer {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    let clash = overlap((a.starts_at, a.ends_at), (b.starts_at, b.ends_at));
                    assert!(
                        !clash,
                        "officer {officer}: sessions {} and {} overlap",
                        a.id, b.id
                    );
                }
            }
        }
    }

    /// What the screens and end-to-end tests expect to find.
    fn check_shape(d: &Data, now: DateTime<Utc>) {
        let officers: Vec<_> = d.users.iter().filter(|u| u.role == Role::Officer).collect();
        assert_eq!(officers.len(), 1 + OTHER_OFFICERS);
        assert_eq!(d.profiles.len(), officers.len());
        let share = d.programmes.len() * 100 / officers.len();
        assert!(
            (70..=90).contains(&share),
            "{share} % of officers have a programme"
        );
        for u in &d.users {
            assert_eq!(app::accounts::normalize_email(&u.email).unwrap(), u.email);
        }
        assert_eq!(d.trainings.len(), TRAININGS.len());
        assert_eq!(d.sessions.len(), PAST_SESSIONS + UPCOMING.len());
        let count = |st: SessionStatus| d.sessions.iter().filter(|s| s.status == st).count();
        assert_eq!(count(SessionStatus::Brouillon), 3);
        assert_eq!(count(SessionStatus::Annulee), 2);
        let queue = |s: &session::Model| s.waitlist_seq;
        let open: Vec<_> = d
            .sessions
            .iter()
            .filter(|s| s.status == SessionStatus::Publiee && s.enrolment_deadline > now)
            .collect();
        let one_left = open
            .iter()
            .filter(|s| s.capacity - s.seats_taken == 1 && queue(s) == 0)
            .filter(|s| s.starts_at > now + Duration::days(20))
            .count();
        assert!(one_left >= 4, "{one_left} sessions with one seat left");
        let roomy = open
            .iter()
            .filter(|s| s.capacity - s.seats_taken >= 3)
            .count();
        assert!(roomy >= 6, "{roomy} sessions with 3 seats or more");
        // Whatever the catalogue shows with free seats can be booked.
        let closed_with_seats = d.sessions.iter().filter(|s| {
            s.status == SessionStatus::Publiee
                && s.starts_at > now
                && s.seats_taken < s.capacity
                && s.enrolment_deadline <= now
        });
        assert_eq!(closed_with_seats.count(), 0);
        let full = d
            .sessions
            .iter()
            .filter(|s| (2..=6).contains(&s.waitlist_seq))
            .count();
        assert!(full >= 4, "{full} full sessions with a waitlist");
        assert!(
            d.enrolments
                .iter()
                .any(|e| e.status == EnrolmentStatus::DesistementTardif)
        );
        assert!(d.feedback.len() > 100, "{} feedback rows", d.feedback.len());
    }

    fn check_demo_officer(d: &Data) {
        let me = d
            .users
            .iter()
            .find(|u| u.email == DEMO_OFFICER_EMAIL)
            .unwrap();
        let mine: Vec<_> = d
            .enrolments
            .iter()
            .filter(|e| e.officer_id == me.id)
            .collect();
        let with = |st: EnrolmentStatus| mine.iter().filter(|e| e.status == st).count();
        assert_eq!(with(EnrolmentStatus::Inscrit), 3);
        assert_eq!(with(EnrolmentStatus::ListeAttente), 1);
        assert_eq!(with(EnrolmentStatus::Present), 3);
        let waiting = mine
            .iter()
            .find(|e| e.status == EnrolmentStatus::ListeAttente)
            .unwrap();
        assert_eq!(waiting.waitlist_rank, Some(2));
        assert_eq!(
            d.feedback.iter().filter(|f| f.officer_id == me.id).count(),
            2
        );
        let programme = d.programmes.iter().find(|p| p.officer_id == me.id).unwrap();
        assert_eq!(
            d.items
                .iter()
                .filter(|i| i.programme_id == programme.id)
                .count(),
            6
        );
    }

    #[tokio::test]
    async fn seed_demo_keeps_every_invariant_and_is_idempotent() {
        let db = memory_db().await;
        let started = Instant::now();
        let report = seed_demo(&db).await.unwrap();
        eprintln!(
            "seed_demo took {:?} (debug build, one argon2 hash included): {report:?}",
            started.elapsed()
        );
        assert!(report.created);
        let data = load(&db).await;
        let now = Utc::now();
        check_invariants(&data, now);
        check_shape(&data, now);
        check_demo_officer(&data);
        assert_eq!(report.enrolments, data.enrolments.len());

        let again = seed_demo(&db).await.unwrap();
        assert!(!again.created);
        assert_eq!(
            SeedReport {
                created: true,
                ..again
            },
            report
        );
        let after = load(&db).await;
        assert_eq!(after.users.len(), data.users.len());
        assert_eq!(after.enrolments.len(), data.enrolments.len());
        assert_eq!(after.feedback.len(), data.feedback.len());
        assert_eq!(after.items.len(), data.items.len());

        let admin = find_by_email(&db, ADMIN_EMAIL).await.unwrap().unwrap();
        assert_eq!(admin.role, Role::Admin);
        assert!(app::password::verify_password(DEMO_PASSWORD.into(), admin.password_hash).await);
    }

    /// The data set moves with the date it is seeded on: whatever the day (weekends, holidays,
    /// daylight saving changes), the invariants and the shape hold.
    #[tokio::test]
    async fn seed_holds_on_any_day_of_the_year() {
        let start = Utc::now();
        for step in 0..26 {
            let now = start + Duration::days(step * 14 + step % 7) + Duration::hours(step * 5);
            let db = memory_db().await;
            seed_at(&db, now, "non-utilise").await.unwrap();
            let data = load(&db).await;
            check_invariants(&data, now);
            check_shape(&data, now);
            check_demo_officer(&data);
        }
    }

    #[tokio::test]
    async fn seed_demo_on_postgres() {
        let Some((admin, db, name)) = postgres_db().await else {
            return;
        };
        let report = seed_demo(&db).await.unwrap();
        let data = load(&db).await;
        check_invariants(&data, Utc::now());
        check_shape(&data, Utc::now());
        assert!(!seed_demo(&db).await.unwrap().created);
        assert_eq!(report.enrolments, data.enrolments.len());
        db.close().await.unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE {name}"))
            .await
            .unwrap();
    }

    #[test]
    fn plan_is_deterministic() {
        let now = Utc::now();
        let a = Planner::new(now).build();
        let b = Planner::new(now).build();
        let emails = |p: &Plan| p.users.iter().map(|u| u.email.clone()).collect::<Vec<_>>();
        assert_eq!(emails(&a), emails(&b));
        assert_eq!(a.enrolments.len(), b.enrolments.len());
        assert_eq!(slug("Le Gall"), "le-gall");
        assert_eq!(slug("Jean-Pierre Lefèvre"), "jean-pierre-lefevre");
    }

    #[test]
    fn sessions_avoid_days_off() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(easter(2026), Some(day(2026, 4, 5)));
        assert_eq!(easter(2027), Some(day(2027, 3, 28)));
        assert!(is_day_off(day(2027, 3, 29))); // Easter Monday
        assert!(is_day_off(day(2027, 5, 6))); // Ascension
        assert!(is_day_off(day(2026, 7, 14)));
        assert!(is_day_off(day(2026, 11, 28))); // Saturday
        assert!(!is_day_off(day(2026, 11, 30)));
        // A three-day session asked for on a Thursday moves to the next Monday–Wednesday.
        assert_eq!(fit_week(day(2026, 12, 3), 3, true), day(2026, 12, 7));
        assert_eq!(fit_week(day(2026, 12, 3), 3, false), day(2026, 12, 2));
    }

    #[test]
    fn seeding_can_run_on_any_tokio_worker() {
        fn assert_send<T: Send>(_: &T) {}
        let db = DatabaseConnection::default();
        assert_send(&seed_demo(&db));
    }
}
