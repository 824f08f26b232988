use std::fmt;
struct TimingDisplay(u64);
impl fmt::Display for TimingDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = self.0 as f64;
        for unit in ["ns", "µs", "ms", "s"].iter() {
            if t < 10.0 { return write!(f, "{:.2}{}", t, unit); }
            else if t < 100.0 { return write!(f, "{:.1}{}", t, unit); }
            else if t < 1000.0 { return write!(f, "{:.0}{}", t, unit); }
            t /= 1000.0;
        }
        write!(f, "{:.0}s", t * 1000.0)
    }
}
fn main(){
  let v: [u64; 26] = [0,1,9,10,99,100,999,1000,1005,1015,9995,9999,10000,25650,29600,99950,99949,131000,999499,999500,2000000000,9870000,12345678,999999999999,1000000000000,18446744073709551615];
  for x in v { println!("{{{}, \"{}\"}},", x, TimingDisplay(x)); }
}
