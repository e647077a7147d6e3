//! The index the regulation's way (Permenpan RB 14/2017, Lampiran, II.G "Pengolahan data"):
//!
//! - NRR per element (nilai rata-rata unsur) = the sum of its answers' values / the number of
//!   answers to it;
//! - weighted NRR (NRR tertimbang) = NRR × 1/9, the nine elements weighing the same (the
//!   regulation writes the weight as 0.111; Antri uses 1/9 itself, so that nine answers of 4 make
//!   exactly 4.00 and 100.00, where 0.111 would make 99.90);
//! - IKM = the sum of the weighted NRRs (1.00–4.00); IKM unit pelayanan = IKM × 25 (25.00–100.00);
//! - the quality grade and the unit's performance from the regulation's table of the converted
//!   value (nilai interval konversi), read to two decimals: 25.00–64.99 D Tidak Baik, 65.00–76.60
//!   C Kurang Baik, 76.61–88.30 B Baik, 88.31–100.00 A Sangat Baik (on the 1–4 scale: 1.00–2.5996,
//!   2.60–3.064, 3.0644–3.532, 3.5324–4.00; each bound × 25 is the converted one).

use serde::Serialize;

use super::elements::{COUNT, ELEMENTS};

/// Mutu pelayanan (A–D) and kinerja unit pelayanan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub enum Grade {
    D,
    C,
    B,
    A,
}

impl Grade {
    /// The grade of a converted value (25–100), read to two decimals as the table is.
    pub fn of(converted: f64) -> Grade {
        let v = round(converted, 2);
        if v >= 88.31 {
            Grade::A
        } else if v >= 76.61 {
            Grade::B
        } else if v >= 65.0 {
            Grade::C
        } else {
            Grade::D
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// Kinerja unit pelayanan, as the regulation's table writes it.
    pub fn label(self) -> &'static str {
        match self {
            Grade::A => "Sangat Baik",
            Grade::B => "Baik",
            Grade::C => "Kurang Baik",
            Grade::D => "Tidak Baik",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Grade::A => "Very good",
            Grade::B => "Good",
            Grade::C => "Fair",
            Grade::D => "Poor",
        }
    }
}

/// `v` rounded half away from zero to `places` decimals.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// What the answers of a group add up to: per element, the sum of values and how many answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub sums: [u64; COUNT],
    pub counts: [u64; COUNT],
}

impl Tally {
    /// Add one respondent's answers (each 1..=4).
    pub fn add(&mut self, answers: &[u8; COUNT]) {
        for (i, a) in answers.iter().enumerate() {
            self.sums[i] += u64::from(*a);
            self.counts[i] += 1;
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        for i in 0..COUNT {
            self.sums[i] += other.sums[i];
            self.counts[i] += other.counts[i];
        }
    }
}

/// The index of a group. NRRs to three decimals, IKM to three, IKM unit to two (as reports print
/// them); the grade is read from the unrounded value to two decimals.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Index {
    /// NRR of U1..U9 (1–4); `None` for an element nobody answered.
    pub nrr: [Option<f64>; COUNT],
    /// NRR × 1/9 of U1..U9.
    pub weighted: [Option<f64>; COUNT],
    /// Each element's own grade, from its NRR × 25 by the same table.
    pub grades: [Option<Grade>; COUNT],
    /// The sum of the weighted NRRs, 1–4.
    pub ikm: f64,
    /// IKM × 25, 25–100.
    pub ikm_unit: f64,
    pub grade: Grade,
    /// Codes of the elements with the lowest NRR (up to three; the lowest first).
    pub weakest: Vec<&'static str>,
}

impl Index {
    /// The index of a tally; `None` until every element has an answer (the regulation's index
    /// needs all nine).
    pub fn of(t: &Tally) -> Option<Index> {
        if t.counts.contains(&0) {
            return None;
        }
        let mut nrr = [None; COUNT];
        let mut weighted = [None; COUNT];
        let mut grades = [None; COUNT];
        let mut ikm = 0.0;
        for i in 0..COUNT {
            let n = t.sums[i] as f64 / t.counts[i] as f64;
            let w = n / COUNT as f64;
            ikm += w;
            nrr[i] = Some(round(n, 3));
            weighted[i] = Some(round(w, 3));
            grades[i] = Some(Grade::of(n * 25.0));
        }
        Some(Index {
            nrr,
            weighted,
            grades,
            ikm: round(ikm, 3),
            ikm_unit: round(ikm * 25.0, 2),
            grade: Grade::of(ikm * 25.0),
            weakest: weakest(t),
        })
    }
}

/// The (up to) three elements of lowest NRR, lowest first; ties in the order U1..U9.
fn weakest(t: &Tally) -> Vec<&'static str> {
    let mut order: Vec<usize> = (0..COUNT).collect();
    // Compare a/b against c/d as a·d against c·b: exact, no float ties.
    order.sort_by(|&a, &b| {
        (u128::from(t.sums[a]) * u128::from(t.counts[b]))
            .cmp(&(u128::from(t.sums[b]) * u128::from(t.counts[a])))
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(3)
        .map(|i| ELEMENTS[i].code)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A worked example by hand, the regulation's method, five respondents:
    ///
    /// ```text
    ///            U1 U2 U3 U4 U5 U6 U7 U8 U9
    /// R1          4  3  3  4  3  4  4  2  3
    /// R2          3  3  2  4  3  3  4  2  3
    /// R3          4  4  3  4  3  4  4  3  4
    /// R4          3  2  2  4  2  3  3  1  3
    /// R5          4  3  3  4  4  4  4  2  3
    /// sum        18 15 13 20 15 18 19 10 16          (total 144)
    /// NRR = /5  3.6 3.0 2.6 4.0 3.0 3.6 3.8 2.0 3.2
    /// × 1/9    .400 .333 .289 .444 .333 .400 .422 .222 .356
    /// ```
    /// IKM = Σ NRR / 9 = 28.8 / 9 = 3.2; IKM unit = 3.2 × 25 = 80.00 → B, "Baik" (76.61–88.30).
    /// Weakest: U8 (2.0), U3 (2.6), then U2 and U5 tie at 3.0 — U2 comes first.
    #[test]
    fn a_worked_example_by_hand() {
        let rows: [[u8; 9]; 5] = [
            [4, 3, 3, 4, 3, 4, 4, 2, 3],
            [3, 3, 2, 4, 3, 3, 4, 2, 3],
            [4, 4, 3, 4, 3, 4, 4, 3, 4],
            [3, 2, 2, 4, 2, 3, 3, 1, 3],
            [4, 3, 3, 4, 4, 4, 4, 2, 3],
        ];
        let mut t = Tally::default();
        rows.iter().for_each(|r| t.add(r));
        let i = Index::of(&t).unwrap();
        assert_eq!(
            i.nrr,
            [3.6, 3.0, 2.6, 4.0, 3.0, 3.6, 3.8, 2.0, 3.2].map(Some)
        );
        assert_eq!(
            i.weighted,
            [0.4, 0.333, 0.289, 0.444, 0.333, 0.4, 0.422, 0.222, 0.356].map(Some)
        );
        // U3 2.6 × 25 = 65.00 is C; U8 2.0 × 25 = 50.00 is D; U7 3.8 × 25 = 95.00 is A.
        assert_eq!(
            (i.grades[2], i.grades[7], i.grades[6]),
            (Some(Grade::C), Some(Grade::D), Some(Grade::A))
        );
        assert_eq!(i.ikm, 3.2);
        assert_eq!(i.ikm_unit, 80.0);
        assert_eq!(i.grade, Grade::B);
        assert_eq!(i.grade.label(), "Baik");
        assert_eq!(i.weakest, ["U8", "U3", "U2"]);
    }

    #[test]
    fn no_index_until_every_element_is_answered() {
        assert_eq!(Index::of(&Tally::default()), None);
        let mut t = Tally::default();
        t.add(&[4; 9]);
        t.counts[8] = 0;
        assert_eq!(Index::of(&t), None);
    }

    #[test]
    fn the_table_bounds_on_both_scales() {
        // The converted bounds, and the 1–4 bounds × 25.
        for (v, g) in [
            (25.0, Grade::D),
            (64.99, Grade::D),
            (2.5996 * 25.0, Grade::D),
            (65.0, Grade::C),
            (2.60 * 25.0, Grade::C),
            (76.60, Grade::C),
            (3.064 * 25.0, Grade::C),
            (76.61, Grade::B),
            (3.0644 * 25.0, Grade::B),
            (88.30, Grade::B),
            (3.532 * 25.0, Grade::B),
            (88.31, Grade::A),
            (3.5324 * 25.0, Grade::A),
            (100.0, Grade::A),
        ] {
            assert_eq!(Grade::of(v), g, "{v}");
        }
    }

    proptest! {
        #[test]
        fn ikm_unit_is_within_25_and_100(rows in prop::collection::vec(prop::array::uniform9(1u8..=4), 1..60)) {
            let mut t = Tally::default();
            rows.iter().for_each(|r| t.add(r));
            let i = Index::of(&t).unwrap();
            prop_assert!((25.0..=100.0).contains(&i.ikm_unit), "{}", i.ikm_unit);
            prop_assert!((1.0..=4.0).contains(&i.ikm));
            prop_assert_eq!(i.weakest.len(), 3);
        }

        #[test]
        fn a_higher_value_never_has_a_lower_grade(a in 25.0f64..=100.0, b in 25.0f64..=100.0) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(Grade::of(lo) <= Grade::of(hi));
        }

        #[test]
        fn raising_one_answer_never_lowers_the_index(
            rows in prop::collection::vec(prop::array::uniform9(1u8..=3), 1..30),
            r in 0usize..30, e in 0usize..9,
        ) {
            let mut t = Tally::default();
            rows.iter().for_each(|x| t.add(x));
            let before = Index::of(&t).unwrap();
            let mut raised = rows.clone();
            raised[r % rows.len()][e] += 1;
            let mut u = Tally::default();
            raised.iter().for_each(|x| u.add(x));
            let after = Index::of(&u).unwrap();
            prop_assert!(after.ikm_unit >= before.ikm_unit && after.grade >= before.grade);
        }
    }
}
