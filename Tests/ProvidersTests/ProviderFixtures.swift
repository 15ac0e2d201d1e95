import Foundation
import TestSupport

/// Recorded response shapes of each provider (from their public docs and the real Vast sample).
enum ProviderFixtures {
    /// The 40 real Vast offers (2024-11-05) in `Tests/Fixtures`.
    static func vastSample() throws -> Data { try Fixtures.vastSample() }

    static let vastTolerant = """
        {"offers": [
          {"id": 1, "gpu_name": "RTX 4090", "num_gpus": 1, "gpu_ram": 24564, "dph_total": 0.40, "reliability2": 0.99,
           "geolocation": "Utah, US", "rentable": true, "rented": false, "dlperf": 105.9, "brand_new_field": {"x": [1, 2]}},
          {"id": "not-a-number", "gpu_name": "RTX 4090", "num_gpus": 1, "dph_total": 0.40},
          {"id": 3, "gpu_name": "Voodoo 2", "num_gpus": 1, "dph_total": 0.10},
          {"id": 4, "gpu_name": "RTX 3090", "num_gpus": 1},
          {"id": 5, "gpu_name": "H100 SXM", "num_gpus": 8, "gpu_ram": 81559, "dph_total": "19.20", "rentable": true, "rented": true},
          42
        ], "extra": true}
        """

    static let akashPrices = """
        {"availability": {"total": 120, "available": 30},
         "models": [
           {"vendor": "nvidia", "model": "h100", "ram": "80Gi", "interface": "SXM5",
            "availability": {"total": 64, "available": 8}, "providerAvailability": {"total": 6, "available": 3},
            "price": {"currency": "USD", "min": 1.2, "max": 2.9, "avg": 1.7, "weightedAverage": 1.65, "med": 1.6}},
           {"vendor": "nvidia", "model": "rtx4090", "ram": "24Gi", "interface": "PCIe",
            "availability": {"total": 40, "available": 0},
            "price": {"currency": "USD", "min": 0.2, "max": 0.6, "avg": 0.36, "weightedAverage": 0.35, "med": 0.34}},
           {"vendor": "nvidia", "model": "a100", "ram": "80Gi", "interface": "PCIe",
            "availability": {"total": 10, "available": 4}, "price": null},
           {"vendor": "nvidia", "model": "h100", "ram": "80Gi", "interface": "",
            "availability": {"total": 1, "available": 1}, "price": {"currency": "USD", "med": 1.9}},
           {"model": 7}
         ]}
        """

    static let akashGPU = """
        {"gpus": {"total": {"allocatable": 104, "allocated": 80},
          "details": {"nvidia": [
            {"model": "h100", "ram": "80Gi", "interface": "SXM5", "allocatable": 64, "allocated": 50},
            {"model": "rtx4090", "ram": "24Gi", "interface": "PCIe", "allocatable": 40, "allocated": 37}
          ]}}}
        """

    static let ionetHardware = """
        {"data": {"hardware": [
          {"hardware_id": 206, "hardware_name": "H100 80GB SXM5", "brand_name": "NVIDIA", "max_gpus_per_container": 8, "available": 24},
          {"hardware_id": 38, "hardware_name": "GeForce RTX 4090", "brand_name": "NVIDIA", "max_gpus_per_container": 8, "available": 120},
          {"hardware_id": 12, "hardware_name": "A100 80GB PCIe", "brand_name": "NVIDIA", "max_gpus_per_container": 4, "available": 0},
          {"hardware_id": 99, "hardware_name": "Mystery Accelerator", "brand_name": "ACME", "max_gpus_per_container": 1, "available": 3}
        ]}}
        """

    static let ionetLocations = """
        {"data": {"locations": [
          {"id": 1, "name": "United States", "iso2": "US", "available": 40},
          {"id": 4, "name": "Germany", "iso2": "DE", "available": 12},
          {"id": 9, "name": "Brazil", "iso2": "BR", "available": 0}
        ]}}
        """

    static let ionetQuote = """
        {"data": {"total_cost_usdc": 2.25, "ionet_fee": 0.05, "ionet_fee_percent": 2, "currency_conversion_fee": 0.01}}
        """

    static let renderSheet = """
        {"version": 1, "updated_at": "2026-11-20T00:00:00Z",
         "usd_per_obh": {"1": "0.004", "2": "0.010", "3": "0.040"}, "firm": false,
         "entries": [
           {"id": "rtx4090-t2", "gpu_model": "RTX 4090", "gpu_count": 1, "vram_gb": 24, "obh_per_hour": "12.5", "tier": 2, "available": 40},
           {"id": "a100-t3", "gpu_model": "A100 PCIe", "gpu_count": 2, "obh_per_hour": "10", "tier": 3, "firm": true},
           {"id": "bad-tier", "gpu_model": "RTX 3090", "obh_per_hour": "7", "tier": 9},
           {"id": "odd", "gpu_model": "Voodoo 2", "obh_per_hour": "1"},
           {"gpu_model": "RTX 3090"}
         ]}
        """
}
