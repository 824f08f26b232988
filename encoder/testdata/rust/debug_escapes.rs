// Generates encoder/debugescape_table.go: the ranges of characters that
// Rust's Debug for str writes as \u{…}. Produced with rustc 1.95.0:
//
//	rustc -O debug_escapes.rs && ./debug_escapes > ranges.txt
//
// and the ranges pasted into the table between its header and closing brace.
fn main() {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for cp in 0u32..=0x10FFFF {
        let Some(c) = char::from_u32(cp) else { continue };
        let d = format!("{:?}", c.to_string());
        if d.starts_with("\"\\u{") {
            match ranges.last_mut() {
                // Surrogates are no chars; a range may span their gap.
                Some(last) if last.1 + 1 == cp || (last.1 + 1 == 0xD800 && cp == 0xE000) => last.1 = cp,
                _ => ranges.push((cp, cp)),
            }
        }
    }
    for (lo, hi) in &ranges {
        println!("\t{{0x{:x}, 0x{:x}}},", lo, hi);
    }
}
