//! The nine SKM elements (unsur) and the respondent's profile, as the questionnaire of Permenpan RB
//! 14/2017 words them, with English beside.
//!
//! The elements are numbered U1–U9 in the regulation's list of unsur (Lampiran, II.B): persyaratan;
//! sistem, mekanisme dan prosedur; waktu penyelesaian; biaya/tarif; produk spesifikasi jenis
//! pelayanan; kompetensi pelaksana; perilaku pelaksana; penanganan pengaduan, saran dan masukan;
//! sarana dan prasarana. (The regulation's sample questionnaire asks about sarana before
//! pengaduan; Antri keeps the order of the list, so U8 is pengaduan and U9 sarana everywhere.)
//! Each answer is worth 1 to 4: the first word below is 1, the last 4.

use serde::{Deserialize, Serialize};

/// One element: its code, name, question and four answers (value 1..=4 in order).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Element {
    /// `U1` … `U9`.
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub question: &'static str,
    pub question_en: &'static str,
    /// The answers worth 1, 2, 3 and 4.
    pub answers: [&'static str; 4],
    pub answers_en: [&'static str; 4],
}

/// How many elements the regulation asks about.
pub const COUNT: usize = 9;

/// The nine elements, U1 first.
pub const ELEMENTS: [Element; COUNT] = [
    Element {
        code: "U1",
        name: "Persyaratan",
        name_en: "Requirements",
        question: "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        question_en: "Do the requirements fit the kind of service?",
        answers: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        answers_en: ["Not fitting", "Hardly fitting", "Fitting", "Very fitting"],
    },
    Element {
        code: "U2",
        name: "Sistem, mekanisme dan prosedur",
        name_en: "System, mechanism and procedure",
        question: "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        question_en: "How easy was the procedure of this unit?",
        answers: ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
        answers_en: ["Not easy", "Hardly easy", "Easy", "Very easy"],
    },
    Element {
        code: "U3",
        name: "Waktu penyelesaian",
        name_en: "Completion time",
        question: "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        question_en: "How fast was the service?",
        answers: ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
        answers_en: ["Not fast", "Hardly fast", "Fast", "Very fast"],
    },
    Element {
        code: "U4",
        name: "Biaya/tarif",
        name_en: "Cost/fee",
        question: "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        question_en: "How fair was the cost or fee?",
        answers: ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
        answers_en: ["Very expensive", "Rather expensive", "Cheap", "Free"],
    },
    Element {
        code: "U5",
        name: "Produk spesifikasi jenis pelayanan",
        name_en: "Service product",
        question: "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        question_en: "Does what you received match the published service standard?",
        answers: ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        answers_en: ["Not matching", "Hardly matching", "Matching", "Fully matching"],
    },
    Element {
        code: "U6",
        name: "Kompetensi pelaksana",
        name_en: "Officer competence",
        question: "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        question_en: "How competent was the officer?",
        answers: ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
        answers_en: ["Not competent", "Hardly competent", "Competent", "Very competent"],
    },
    Element {
        code: "U7",
        name: "Perilaku pelaksana",
        name_en: "Officer conduct",
        question: "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        question_en: "How polite and friendly was the officer?",
        answers: [
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ],
        answers_en: [
            "Not polite or friendly",
            "Hardly polite and friendly",
            "Polite and friendly",
            "Very polite and friendly",
        ],
    },
    Element {
        code: "U8",
        name: "Penanganan pengaduan, saran dan masukan",
        name_en: "Handling of complaints, suggestions and input",
        question: "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        question_en: "How are complaints of service users handled?",
        answers: [
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ],
        answers_en: [
            "None",
            "Exists but does not work",
            "Works, not fully",
            "Well managed",
        ],
    },
    Element {
        code: "U9",
        name: "Sarana dan prasarana",
        name_en: "Facilities",
        question: "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        question_en: "How good are the facilities?",
        answers: ["Buruk", "Cukup", "Baik", "Sangat baik"],
        answers_en: ["Poor", "Fair", "Good", "Very good"],
    },
];

/// One respondent's answers to U1..U9, each 1..=4 (checked by [`Answers::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers([u8; COUNT]);

/// Why answers were refused: which element, and the value sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswersError {
    #[error("answers: {0} given; the survey has nine elements, U1 to U9, each answered")]
    Count(usize),
    #[error("answers[{index}] ({code}): {value} is not an answer from 1 to 4")]
    Range {
        index: usize,
        code: &'static str,
        value: u64,
    },
}

impl Answers {
    /// Nine answers, U1 first, each 1..=4.
    pub fn new(values: &[u64]) -> Result<Answers, AnswersError> {
        if values.len() != COUNT {
            return Err(AnswersError::Count(values.len()));
        }
        let mut out = [0u8; COUNT];
        for (i, v) in values.iter().enumerate() {
            if !(1..=4).contains(v) {
                return Err(AnswersError::Range {
                    index: i,
                    code: ELEMENTS[i].code,
                    value: *v,
                });
            }
            out[i] = *v as u8;
        }
        Ok(Answers(out))
    }

    pub fn values(&self) -> [u8; COUNT] {
        self.0
    }
}

/// Defines a closed list of the profile, stored and sent by its key, with its words.
macro_rules! profile_list {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:tt => $id:literal, $en:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum $name { $(#[serde(rename = $key)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored name (as in JSON).
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            /// Bahasa Indonesia and English.
            pub fn words(self) -> (&'static str, &'static str) {
                match self { $($name::$variant => ($id, $en)),+ }
            }
            pub fn from_key(key: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.key() == key)
            }
        }
    };
}

profile_list!(
    /// Jenis kelamin.
    Sex {
        Male = "male" => "Laki-laki", "Male";
        Female = "female" => "Perempuan", "Female";
    }
);

profile_list!(
    /// Usia, in the age groups SKM reports commonly use.
    AgeGroup {
        Under20 = "under_20" => "< 20 tahun", "under 20";
        From20To29 = "20_29" => "20–29 tahun", "20–29";
        From30To39 = "30_39" => "30–39 tahun", "30–39";
        From40To49 = "40_49" => "40–49 tahun", "40–49";
        From50To59 = "50_59" => "50–59 tahun", "50–59";
        From60 = "60_plus" => "≥ 60 tahun", "60 and over";
    }
);

profile_list!(
    /// Pendidikan: the questionnaire's SD, SMP, SMA, S1, S2, S3, with the diplomas between.
    Education {
        Sd = "sd" => "SD ke bawah", "Primary or less";
        Smp = "smp" => "SMP", "Junior high";
        Sma = "sma" => "SMA/SMK", "Senior high";
        Diploma = "diploma" => "D1–D4", "Diploma";
        S1 = "s1" => "S1", "Bachelor";
        S2 = "s2" => "S2", "Master";
        S3 = "s3" => "S3", "Doctorate";
    }
);

profile_list!(
    /// Pekerjaan: the questionnaire's PNS, TNI, POLRI, swasta, wirausaha, lainnya.
    Occupation {
        Pns = "pns" => "PNS/ASN", "Civil servant";
        Tni = "tni" => "TNI", "Armed forces";
        Polri = "polri" => "POLRI", "Police";
        Swasta = "swasta" => "Pegawai swasta", "Private employee";
        Wirausaha = "wirausaha" => "Wirausaha", "Self-employed";
        Pelajar = "pelajar" => "Pelajar/Mahasiswa", "Student";
        Lainnya = "lainnya" => "Lainnya", "Other";
    }
);

/// The respondent's profile: each part optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AgeGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<Occupation>,
}

/// The longest suggestion kept, in characters.
pub const SUGGESTION_MAX: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_elements_with_four_distinct_answers_each() {
        for (i, e) in ELEMENTS.iter().enumerate() {
            assert_eq!(e.code, format!("U{}", i + 1));
            let mut a = e.answers.to_vec();
            a.dedup();
            assert_eq!(a.len(), 4, "{}", e.code);
        }
        assert_eq!(ELEMENTS[3].answers[3], "Gratis");
        assert_eq!(ELEMENTS[7].answers[0], "Tidak ada");
    }

    #[test]
    fn answers_are_nine_values_from_1_to_4() {
        assert!(Answers::new(&[4; 9]).is_ok());
        assert_eq!(Answers::new(&[4; 8]), Err(AnswersError::Count(8)));
        let e = Answers::new(&[1, 2, 3, 4, 5, 1, 1, 1, 1]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "answers[4] (U5): 5 is not an answer from 1 to 4"
        );
        assert!(Answers::new(&[0, 2, 3, 4, 4, 1, 1, 1, 1]).is_err());
    }

    #[test]
    fn profile_keys_round_trip_as_serde_names_them() {
        for a in AgeGroup::ALL {
            let json = serde_json::to_value(a).unwrap();
            assert_eq!(AgeGroup::from_key(json.as_str().unwrap()), Some(*a));
        }
        assert_eq!(Education::from_key("s1"), Some(Education::S1));
    }
}
