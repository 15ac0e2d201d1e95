extension GPUModel {
    /// The one table of canonical GPU models.
    ///
    /// `throughput` is GP4U's performance scale: relative deep-learning throughput per
    /// GPU with one RTX 4090 = 100. Figures follow the median per-GPU `dlperf` Vast.ai
    /// reports for each card (checked against the 40 offers in
    /// `Tests/Fixtures/vast-offers-sample.json`) and published FP16 tensor ratios for
    /// cards Vast rarely lists. Aliases are normalised spellings (``normalize(_:)``);
    /// add a spelling here when a provider introduces one, never in an adapter.
    public static let catalog: [GPUModel] = rawCatalog.enumerated().map { position, model in
        var numbered = model
        numbered.ordinal = position
        return numbered
    }

    private static let rawCatalog: [GPUModel] = [
        // Data-centre, Hopper/Blackwell: variants kept apart.
        GPUModel(id: "b200", name: "B200", vramGB: 192, throughput: 450, aliases: ["b200", "b200sxm", "b200sxm6"]),
        GPUModel(
            id: "h200-sxm", name: "H200 SXM", vramGB: 141, throughput: 300, aliases: ["h200", "h200sxm", "h200sxm5"]),
        GPUModel(id: "h200-nvl", name: "H200 NVL", vramGB: 141, throughput: 270, aliases: ["h200nvl"]),
        GPUModel(
            id: "h100-sxm", name: "H100 SXM", vramGB: 80, throughput: 260,
            aliases: ["h100sxm", "h100sxm5", "h100hbm3", "h100sxmhbm3"]),
        GPUModel(id: "h100-pcie", name: "H100 PCIe", vramGB: 80, throughput: 200, aliases: ["h100pcie", "h100pcie5"]),
        GPUModel(id: "h100-nvl", name: "H100 NVL", vramGB: 94, throughput: 230, aliases: ["h100nvl", "h100nvlpcie"]),
        GPUModel(id: "gh200", name: "GH200", vramGB: 96, throughput: 290, aliases: ["gh200"]),
        // Ampere data-centre.
        GPUModel(id: "a100-sxm", name: "A100 SXM4", vramGB: 80, throughput: 130, aliases: ["a100sxm", "a100sxm4"]),
        GPUModel(id: "a100-pcie", name: "A100 PCIe", vramGB: 80, throughput: 115, aliases: ["a100pcie", "a100pcie4"]),
        GPUModel(id: "a40", name: "A40", vramGB: 48, throughput: 60, aliases: ["a40", "a40pcie"]),
        GPUModel(id: "a10", name: "A10", vramGB: 24, throughput: 30, aliases: ["a10", "a10pcie"]),
        GPUModel(id: "a10g", name: "A10G", vramGB: 24, throughput: 30, aliases: ["a10g"]),
        GPUModel(id: "a16", name: "A16", vramGB: 16, throughput: 10, aliases: ["a16"]),
        GPUModel(id: "l40s", name: "L40S", vramGB: 48, throughput: 120, aliases: ["l40s", "l40spcie"]),
        GPUModel(id: "l40", name: "L40", vramGB: 48, throughput: 105, aliases: ["l40", "l40pcie"]),
        GPUModel(id: "l4", name: "L4", vramGB: 24, throughput: 35, aliases: ["l4", "l4pcie"]),
        GPUModel(id: "v100-sxm", name: "V100 SXM2", vramGB: 32, throughput: 40, aliases: ["v100sxm", "v100sxm2"]),
        GPUModel(id: "v100-pcie", name: "V100 PCIe", vramGB: 16, throughput: 35, aliases: ["v100pcie"]),
        GPUModel(id: "t4", name: "Tesla T4", vramGB: 16, throughput: 5, aliases: ["t4", "t4pcie"]),
        // Workstation.
        GPUModel(
            id: "rtx-pro-6000", name: "RTX PRO 6000", vramGB: 96, throughput: 160,
            aliases: ["rtxpro6000", "rtxpro6000blackwell", "rtxpro6000ws", "pro6000"]),
        GPUModel(
            id: "rtx-6000-ada", name: "RTX 6000 Ada", vramGB: 48, throughput: 135,
            aliases: ["rtx6000ada", "6000ada", "rtx6000adageneration"]),
        GPUModel(
            id: "rtx-5000-ada", name: "RTX 5000 Ada", vramGB: 32, throughput: 95, aliases: ["rtx5000ada", "5000ada"]),
        GPUModel(
            id: "rtx-4000-ada", name: "RTX 4000 Ada", vramGB: 20, throughput: 45, aliases: ["rtx4000ada", "4000ada"]),
        GPUModel(id: "rtx-a6000", name: "RTX A6000", vramGB: 48, throughput: 55, aliases: ["rtxa6000", "a6000"]),
        GPUModel(id: "rtx-a5000", name: "RTX A5000", vramGB: 24, throughput: 38, aliases: ["rtxa5000", "a5000"]),
        GPUModel(id: "rtx-a4000", name: "RTX A4000", vramGB: 16, throughput: 25, aliases: ["rtxa4000", "a4000"]),
        GPUModel(id: "rtx-a2000", name: "RTX A2000", vramGB: 12, throughput: 8, aliases: ["rtxa2000", "a2000"]),
        GPUModel(
            id: "quadro-rtx-8000", name: "Quadro RTX 8000", vramGB: 48, throughput: 30,
            aliases: ["quadrortx8000", "rtx8000"]),
        // Consumer, Blackwell/Ada.
        GPUModel(id: "rtx-5090", name: "RTX 5090", vramGB: 32, throughput: 140, aliases: ["rtx5090", "5090"]),
        GPUModel(id: "rtx-5080", name: "RTX 5080", vramGB: 16, throughput: 80, aliases: ["rtx5080", "5080"]),
        GPUModel(id: "rtx-4090", name: "RTX 4090", vramGB: 24, throughput: 100, aliases: ["rtx4090", "4090"]),
        GPUModel(
            id: "rtx-4080-super", name: "RTX 4080 SUPER", vramGB: 16, throughput: 72,
            aliases: ["rtx4080s", "rtx4080super", "4080s", "4080super"]),
        GPUModel(id: "rtx-4080", name: "RTX 4080", vramGB: 16, throughput: 68, aliases: ["rtx4080", "4080"]),
        GPUModel(id: "rtx-4070-ti", name: "RTX 4070 Ti", vramGB: 12, throughput: 45, aliases: ["rtx4070ti", "4070ti"]),
        GPUModel(id: "rtx-4070", name: "RTX 4070", vramGB: 12, throughput: 33, aliases: ["rtx4070", "4070"]),
        GPUModel(id: "rtx-4060-ti", name: "RTX 4060 Ti", vramGB: 16, throughput: 22, aliases: ["rtx4060ti", "4060ti"]),
        // Consumer, Ampere and older.
        GPUModel(id: "rtx-3090-ti", name: "RTX 3090 Ti", vramGB: 24, throughput: 48, aliases: ["rtx3090ti", "3090ti"]),
        GPUModel(id: "rtx-3090", name: "RTX 3090", vramGB: 24, throughput: 42, aliases: ["rtx3090", "3090"]),
        GPUModel(id: "rtx-3080-ti", name: "RTX 3080 Ti", vramGB: 12, throughput: 35, aliases: ["rtx3080ti", "3080ti"]),
        GPUModel(id: "rtx-3080", name: "RTX 3080", vramGB: 10, throughput: 27, aliases: ["rtx3080", "3080"]),
        GPUModel(id: "rtx-3070-ti", name: "RTX 3070 Ti", vramGB: 8, throughput: 18, aliases: ["rtx3070ti", "3070ti"]),
        GPUModel(id: "rtx-3070", name: "RTX 3070", vramGB: 8, throughput: 16, aliases: ["rtx3070", "3070"]),
        GPUModel(
            id: "rtx-3060-ti", name: "RTX 3060 Ti", vramGB: 8, throughput: 13.5, aliases: ["rtx3060ti", "3060ti"]),
        GPUModel(id: "rtx-3060", name: "RTX 3060", vramGB: 12, throughput: 11, aliases: ["rtx3060", "3060"]),
        GPUModel(id: "titan-xp", name: "Titan Xp", vramGB: 12, throughput: 6, aliases: ["titanxp"]),
        GPUModel(id: "titan-rtx", name: "Titan RTX", vramGB: 24, throughput: 28, aliases: ["titanrtx"]),
        // AMD.
        GPUModel(id: "mi300x", name: "MI300X", vramGB: 192, throughput: 280, aliases: ["mi300x"]),
        GPUModel(id: "mi250", name: "MI250", vramGB: 128, throughput: 120, aliases: ["mi250", "mi250x"]),
    ]
}
