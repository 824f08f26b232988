// Prints Rust's {:?} of floats and strs, one per line, tab-separated with a label.
fn main() {
    let floats: &[f64] = &[
        0.0, -0.0, 1.0, -1.0, 0.5, 100.0, 1234.5, 0.1, 0.3, 0.30000000000000004,
        299792458.0, 1e15, 9999999999999998.0, 1e16, -1e16, 1.5e16, 1e17, 1e21, 1e100,
        0.001, 0.0001, 0.00011, 9.999999999999999e-5, 0.00001, 1e-5, 1.5e-7, -1.5e-7,
        1.602176634e-19, f64::MAX, f64::MIN_POSITIVE, 5e-324, 123456789012345680.0,
        f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 6.02214076e23, 2.0/3.0,
    ];
    for f in floats {
        println!("f64\t{:e}\t{:?}", f, f);
    }
    let f32s: &[f32] = &[0.1, 1.0, 1e-4, 1e-5, 1e16, 1e15, 3.4028235e38, 1.5e-7, 16777216.0];
    for f in f32s {
        println!("f32\t{:e}\t{:?}", f, f);
    }
    let strs: &[&str] = &[
        "plain", "say \"hi\"", "back\\slash", "it's", "a\nb", "a\rb", "a\tb", "a\0b",
        "\x07", "\x1b[31m", "\x7f", "\u{80}", "\u{85}", "\u{9f}", "\u{a0}", "\u{ad}",
        "e\u{301}", "\u{301}", "\u{200b}", "\u{200d}", "\u{2028}", "\u{2029}", "\u{3000}",
        "\u{feff}", "\u{fffd}", "\u{e000}", "\u{f8ff}", "\u{10ffff}", "\u{378}", "\u{fdd0}",
        "\u{fffe}", "é😀</>&", "日本語", "\u{1f600}", "\u{1f3fb}", "\u{e0001}", "\u{e0100}",
        "\u{20}", "\u{2000}", "\u{200e}", "\u{61c}", "\u{1680}", "\u{180e}", "\u{34f}",
        "\u{ff9e}", "\u{1d165}", "\u{a8fd}", "\u{11f00}", "\u{1e4ef}", "\u{2fffe}",
        "\u{31350}", "\u{323af}", "\u{2ebf0}", "\u{1f8c0}", "\u{b}", "\u{c}", "\u{8}",
        "x=y", "a b", "\u{1b}", "\u{9}", "\u{d}",
    ];
    for s in strs {
        let cps: Vec<String> = s.chars().map(|c| format!("{:x}", c as u32)).collect();
        println!("str\t{}\t{:?}", cps.join(","), s);
    }
}
