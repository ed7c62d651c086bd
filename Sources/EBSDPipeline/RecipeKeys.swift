/// Strict reading of the recipe's fixed mappings (top level, inputs, detector): a key that is
/// not known is refused with its place named.
enum RecipeKeys {
    static func refuseUnknown(_ decoder: Decoder, known: [String], in place: String) throws {
        let c = try decoder.container(keyedBy: StepParameters.Key.self)
        for k in c.allKeys where !known.contains(k.stringValue) {
            throw RecipeError("\(place): unknown key '\(k.stringValue)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
