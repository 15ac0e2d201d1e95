/// `{"items": [...]}`: a list short enough to answer whole (no cursor).
struct ItemList<Item: Codable>: Codable {
    let items: [Item]
}
