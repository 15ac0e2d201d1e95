/// The web app's colour scheme, stored per user so it follows them across devices.
public enum ThemePreference: String, Sendable, Codable, CaseIterable {
    case light, dark, system
}
