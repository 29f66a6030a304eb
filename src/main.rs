fn main() {
    println!("raft-playground");
}
