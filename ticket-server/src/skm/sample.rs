//! The minimum sample for a population: the table of Krejcie and Morgan (1970) that the
//! regulation's guidance (Permenpan RB 14/2017, Lampiran, II.D) points to for choosing how many
//! respondents a unit needs. The population is the number of people served in the period.

/// `(population, sample)`: for a population up to the first number, at least the second.
const KREJCIE_MORGAN: [(u64, u64); 73] = [
    (10, 10),
    (15, 14),
    (20, 19),
    (25, 24),
    (30, 28),
    (35, 32),
    (40, 36),
    (45, 40),
    (50, 44),
    (55, 48),
    (60, 52),
    (65, 56),
    (70, 59),
    (75, 63),
    (80, 66),
    (85, 70),
    (90, 73),
    (95, 76),
    (100, 80),
    (110, 86),
    (120, 92),
    (130, 97),
    (140, 103),
    (150, 108),
    (160, 113),
    (170, 118),
    (180, 123),
    (190, 127),
    (200, 132),
    (210, 136),
    (220, 140),
    (230, 144),
    (240, 148),
    (250, 152),
    (260, 155),
    (270, 159),
    (280, 162),
    (290, 165),
    (300, 169),
    (320, 175),
    (340, 181),
    (360, 186),
    (380, 191),
    (400, 196),
    (420, 201),
    (440, 205),
    (460, 210),
    (480, 214),
    (500, 217),
    (550, 226),
    (600, 234),
    (650, 242),
    (700, 248),
    (750, 254),
    (800, 260),
    (850, 265),
    (900, 269),
    (950, 274),
    (1000, 278),
    (1100, 285),
    (1200, 291),
    (1300, 297),
    (1400, 302),
    (1500, 306),
    (1600, 310),
    (1700, 313),
    (1800, 317),
    (1900, 320),
    (2000, 322),
    (2200, 327),
    (2400, 331),
    (2600, 335),
    (2800, 338),
];

/// The larger populations of the table; past the last, 384.
const LARGE: [(u64, u64); 14] = [
    (3000, 341),
    (3500, 346),
    (4000, 351),
    (4500, 354),
    (5000, 357),
    (6000, 361),
    (7000, 364),
    (8000, 367),
    (9000, 368),
    (10000, 370),
    (15000, 375),
    (20000, 377),
    (30000, 379),
    (40000, 380),
];

/// The minimum sample for `population`: the table's sample for the smallest tabled population
/// not below it (so never fewer than the table asks), but never more than everyone; past the
/// table's 40,000, its 381 up to 50,000, 382 up to 75,000, then 384.
pub fn minimum(population: u64) -> u64 {
    let tabled = KREJCIE_MORGAN
        .iter()
        .chain(LARGE.iter())
        .find(|(n, _)| population <= *n)
        .map_or(
            if population <= 50_000 {
                381
            } else if population <= 75_000 {
                382
            } else {
                384
            },
            |(_, s)| *s,
        );
    tabled.min(population)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krejcie and Morgan's formula, which the table rounds: s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)),
    /// χ² = 3.841 (one degree of freedom, 95%), P = 0.5, d = 0.05. Every row must agree within one
    /// (the published table rounds a few values its own way), so a mistyped row fails.
    #[test]
    fn every_row_agrees_with_the_formula() {
        for (n, s) in KREJCIE_MORGAN.iter().chain(LARGE.iter()) {
            let n = *n as f64;
            let f = 3.841 * n * 0.25 / (0.0025 * (n - 1.0) + 3.841 * 0.25);
            assert!(
                (f - *s as f64).abs() <= 1.0,
                "N={n}: table {s}, formula {f:.1}"
            );
        }
    }

    #[test]
    fn never_less_than_the_table_and_never_decreasing() {
        assert_eq!(minimum(0), 0);
        assert_eq!(minimum(7), 7);
        assert_eq!(minimum(100), 80);
        assert_eq!(minimum(101), 86);
        assert_eq!(minimum(1000), 278);
        assert_eq!(minimum(2_000_000), 384);
        let mut last = 0;
        for n in 0..60_000 {
            let m = minimum(n);
            assert!(m >= last && m <= n, "{n}");
            last = m;
        }
    }
}
