import AsyncHTTPClient
import Brokerage
import Foundation
import Logging
import Timekeeping

/// Builds the provider feeds a ``MarketConfiguration`` asks for: one adapter plus one
/// ``ResilientFetcher`` per enabled provider. io.net without an API key and Render
/// without a price sheet are left out (logged), since they cannot answer.
public enum MarketProviders {
    public static func feeds(
        configuration: MarketConfiguration, httpClient: HTTPClient, requestTimeout: Duration = .seconds(20),
        clock: any TimeSource = SystemTimeSource(), jitter: any JitterSource = SystemJitter(),
        logger: Logger = Logger(label: "gp4u.providers")
    ) -> [ProviderFeed] {
        let http = ProviderHTTP(client: httpClient, timeout: requestTimeout)
        var feeds: [ProviderFeed] = []
        for provider in configuration.providers {
            let source: (any OfferSource)?
            switch provider {
            case .vastai:
                source = VastAdapter(
                    baseURL: configuration.vastURL, apiKey: configuration.vastAPIKey, http: http, clock: clock)
            case .akash:
                source = AkashAdapter(baseURL: configuration.akashURL, http: http, clock: clock)
            case .ionet:
                if let key = configuration.ionetAPIKey {
                    source = IONetAdapter(baseURL: configuration.ionetURL, apiKey: key, http: http, clock: clock)
                } else {
                    logger.notice("io.net disabled: set GP4U_IONET_API_KEY to enable it")
                    source = nil
                }
            case .render:
                if let sheet = configuration.renderPriceSheet {
                    source = RenderAdapter(location: sheet, http: http, clock: clock)
                } else {
                    logger.notice("Render disabled: set GP4U_RENDER_PRICE_SHEET to a price sheet file or URL")
                    source = nil
                }
            case .gp4u:
                // Owner listings are read from the database, not fetched.
                source = nil
            }
            guard let source else { continue }
            let fetcher = ResilientFetcher<[Offer]>(
                provider: provider, configuration: configuration.resilience(for: provider), clock: clock,
                jitter: jitter, logger: logger)
            feeds.append(ProviderFeed(source: source, fetcher: fetcher))
        }
        return feeds
    }
}
