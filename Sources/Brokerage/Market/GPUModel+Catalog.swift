extension GPUModel {
    /// The one table of canonical GPU models.
    ///
    /// `throughput` is GP4U's performance scale: relative deep-learning throughput per
    /// GPU with one RTX 4090 = 100. Figures follow the median per-GPU `dlperf` Vast.ai
    /// reports for each card (checked against the 40 offers in
    /// `Tests/Fixtures/vast-offers-sample.json`) and published FP16 tensor and training
    /// benchmark ratios for cards Vast rarely lists (approximate: a baseline, which a
    /// provider's own measurement refines). Every entry has memory and a baseline
    /// (`MarketGPUModelTests` checks); GPUs outside the table are listed under a derived
    /// id (``GPUModel/derived(name:)``) with no baseline. Aliases are normalised spellings (``normalize(_:)``);
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
            aliases: ["quadrortx8000", "rtx8000", "qrtx8000"]),
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
        // Data-centre, more (2017 onwards): Hopper/Ampere export variants, Volta, Pascal, Turing.
        GPUModel(id: "b300", name: "B300", vramGB: 288, throughput: 500, aliases: ["b300", "b300sxm"]),
        GPUModel(id: "b100", name: "B100", vramGB: 192, throughput: 380, aliases: ["b100", "b100sxm"]),
        GPUModel(
            id: "h800-sxm", name: "H800 SXM", vramGB: 80, throughput: 250, aliases: ["h800", "h800sxm", "h800sxm5"]),
        GPUModel(id: "h800-pcie", name: "H800 PCIe", vramGB: 80, throughput: 190, aliases: ["h800pcie"]),
        GPUModel(id: "h20", name: "H20", vramGB: 96, throughput: 90, aliases: ["h20"]),
        GPUModel(id: "a800-sxm", name: "A800 SXM4", vramGB: 80, throughput: 130, aliases: ["a800sxm", "a800sxm4"]),
        GPUModel(id: "a800-pcie", name: "A800 PCIe", vramGB: 80, throughput: 115, aliases: ["a800pcie", "a800"]),
        GPUModel(id: "a30", name: "A30", vramGB: 24, throughput: 55, aliases: ["a30", "a30pcie"]),
        GPUModel(id: "a2", name: "A2", vramGB: 16, throughput: 8, aliases: ["a2", "a2pcie"]),
        GPUModel(id: "l20", name: "L20", vramGB: 48, throughput: 60, aliases: ["l20"]),
        GPUModel(id: "v100", name: "Tesla V100", vramGB: 16, throughput: 37, aliases: ["v100"]),
        GPUModel(id: "v100s", name: "Tesla V100S", vramGB: 32, throughput: 39, aliases: ["v100s", "v100spcie"]),
        GPUModel(
            id: "p100", name: "Tesla P100", vramGB: 16, throughput: 12, aliases: ["p100", "p100pcie", "p100sxm2"]),
        GPUModel(id: "p40", name: "Tesla P40", vramGB: 24, throughput: 8, aliases: ["p40"]),
        GPUModel(id: "p4", name: "Tesla P4", vramGB: 8, throughput: 3, aliases: ["p4"]),
        // Workstation, more: Quadro RTX (Turing), Ampere, Ada, Blackwell and Pascal cards.
        GPUModel(
            id: "rtx-pro-5000", name: "RTX PRO 5000", vramGB: 48, throughput: 110,
            aliases: ["rtxpro5000", "rtxpro5000blackwell"]),
        GPUModel(
            id: "rtx-pro-4000", name: "RTX PRO 4000", vramGB: 24, throughput: 60,
            aliases: ["rtxpro4000", "rtxpro4000blackwell"]),
        GPUModel(
            id: "rtx-4500-ada", name: "RTX 4500 Ada", vramGB: 24, throughput: 70, aliases: ["rtx4500ada", "4500ada"]),
        GPUModel(
            id: "rtx-2000-ada", name: "RTX 2000 Ada", vramGB: 16, throughput: 18, aliases: ["rtx2000ada", "2000ada"]),
        GPUModel(id: "rtx-a4500", name: "RTX A4500", vramGB: 20, throughput: 32, aliases: ["rtxa4500", "a4500"]),
        GPUModel(
            id: "quadro-rtx-6000", name: "Quadro RTX 6000", vramGB: 24, throughput: 28,
            aliases: ["quadrortx6000", "qrtx6000", "rtx6000"]),
        GPUModel(
            id: "quadro-rtx-5000", name: "Quadro RTX 5000", vramGB: 16, throughput: 20,
            aliases: ["quadrortx5000", "qrtx5000", "rtx5000"]),
        GPUModel(
            id: "quadro-rtx-4000", name: "Quadro RTX 4000", vramGB: 8, throughput: 12,
            aliases: ["quadrortx4000", "qrtx4000", "rtx4000"]),
        GPUModel(
            id: "quadro-gv100", name: "Quadro GV100", vramGB: 32, throughput: 36, aliases: ["quadrogv100", "gv100"]),
        GPUModel(
            id: "quadro-p6000", name: "Quadro P6000", vramGB: 24, throughput: 8, aliases: ["quadrop6000", "p6000"]),
        GPUModel(
            id: "quadro-p5000", name: "Quadro P5000", vramGB: 16, throughput: 6, aliases: ["quadrop5000", "p5000"]),
        GPUModel(
            id: "quadro-p4000", name: "Quadro P4000", vramGB: 8, throughput: 4, aliases: ["quadrop4000", "p4000"]),
        // Consumer, more: Blackwell and Ada variants (SUPER spelt S on Vast), laptops.
        GPUModel(id: "rtx-5070-ti", name: "RTX 5070 Ti", vramGB: 16, throughput: 60, aliases: ["rtx5070ti", "5070ti"]),
        GPUModel(id: "rtx-5070", name: "RTX 5070", vramGB: 12, throughput: 48, aliases: ["rtx5070", "5070"]),
        GPUModel(id: "rtx-5060-ti", name: "RTX 5060 Ti", vramGB: 16, throughput: 30, aliases: ["rtx5060ti", "5060ti"]),
        GPUModel(id: "rtx-5060", name: "RTX 5060", vramGB: 8, throughput: 24, aliases: ["rtx5060", "5060"]),
        GPUModel(
            id: "rtx-5090-laptop", name: "RTX 5090 Laptop", vramGB: 24, throughput: 70,
            aliases: ["rtx5090laptop", "rtx5090mobile"]),
        GPUModel(id: "rtx-4090-d", name: "RTX 4090 D", vramGB: 24, throughput: 95, aliases: ["rtx4090d", "4090d"]),
        GPUModel(
            id: "rtx-4070-ti-super", name: "RTX 4070 Ti SUPER", vramGB: 16, throughput: 50,
            aliases: [
                "rtx4070tisuper", "rtx4070tis", "rtx4070sti", "rtx4070superti", "4070tisuper", "4070sti", "4070tis",
            ]),
        GPUModel(
            id: "rtx-4070-super", name: "RTX 4070 SUPER", vramGB: 12, throughput: 38,
            aliases: ["rtx4070s", "rtx4070super", "4070s", "4070super"]),
        GPUModel(id: "rtx-4060", name: "RTX 4060", vramGB: 8, throughput: 17, aliases: ["rtx4060", "4060"]),
        GPUModel(
            id: "rtx-4090-laptop", name: "RTX 4090 Laptop", vramGB: 16, throughput: 55,
            aliases: ["rtx4090laptop", "rtx4090mobile"]),
        GPUModel(
            id: "rtx-4080-laptop", name: "RTX 4080 Laptop", vramGB: 12, throughput: 42,
            aliases: ["rtx4080laptop", "rtx4080mobile"]),
        GPUModel(
            id: "rtx-4070-laptop", name: "RTX 4070 Laptop", vramGB: 8, throughput: 25,
            aliases: ["rtx4070laptop", "rtx4070mobile"]),
        GPUModel(
            id: "rtx-4060-laptop", name: "RTX 4060 Laptop", vramGB: 8, throughput: 18,
            aliases: ["rtx4060laptop", "rtx4060mobile"]),
        GPUModel(
            id: "rtx-4050-laptop", name: "RTX 4050 Laptop", vramGB: 6, throughput: 13,
            aliases: ["rtx4050laptop", "rtx4050mobile"]),
        GPUModel(
            id: "rtx-3080-ti-laptop", name: "RTX 3080 Ti Laptop", vramGB: 16, throughput: 24,
            aliases: ["rtx3080tilaptop", "rtx3080timobile"]),
        GPUModel(
            id: "rtx-3080-laptop", name: "RTX 3080 Laptop", vramGB: 16, throughput: 20,
            aliases: ["rtx3080laptop", "rtx3080mobile"]),
        GPUModel(
            id: "rtx-3070-laptop", name: "RTX 3070 Laptop", vramGB: 8, throughput: 14,
            aliases: ["rtx3070laptop", "rtx3070mobile"]),
        GPUModel(
            id: "rtx-3060-laptop", name: "RTX 3060 Laptop", vramGB: 6, throughput: 9,
            aliases: ["rtx3060laptop", "rtx3060mobile"]),
        GPUModel(
            id: "rtx-3050-laptop", name: "RTX 3050 Laptop", vramGB: 4, throughput: 5,
            aliases: ["rtx3050laptop", "rtx3050mobile"]),
        GPUModel(id: "rtx-3050", name: "RTX 3050", vramGB: 8, throughput: 7, aliases: ["rtx3050", "3050"]),
        // Consumer, Turing and Pascal (RTX 20, GTX 16 and GTX 10 series).
        GPUModel(id: "titan-v", name: "Titan V", vramGB: 12, throughput: 26, aliases: ["titanv"]),
        GPUModel(
            id: "titan-x-pascal", name: "Titan X (Pascal)", vramGB: 12, throughput: 5.5,
            aliases: ["titanx", "titanxpascal"]),
        GPUModel(id: "rtx-2080-ti", name: "RTX 2080 Ti", vramGB: 11, throughput: 22, aliases: ["rtx2080ti", "2080ti"]),
        GPUModel(
            id: "rtx-2080-super", name: "RTX 2080 SUPER", vramGB: 8, throughput: 17,
            aliases: ["rtx2080s", "rtx2080super", "2080s", "2080super"]),
        GPUModel(id: "rtx-2080", name: "RTX 2080", vramGB: 8, throughput: 16, aliases: ["rtx2080", "2080"]),
        GPUModel(
            id: "rtx-2070-super", name: "RTX 2070 SUPER", vramGB: 8, throughput: 14,
            aliases: ["rtx2070s", "rtx2070super", "2070s", "2070super"]),
        GPUModel(id: "rtx-2070", name: "RTX 2070", vramGB: 8, throughput: 13, aliases: ["rtx2070", "2070"]),
        GPUModel(
            id: "rtx-2060-super", name: "RTX 2060 SUPER", vramGB: 8, throughput: 11,
            aliases: ["rtx2060s", "rtx2060super", "2060s", "2060super"]),
        GPUModel(id: "rtx-2060", name: "RTX 2060", vramGB: 6, throughput: 10, aliases: ["rtx2060", "2060"]),
        GPUModel(id: "gtx-1660-ti", name: "GTX 1660 Ti", vramGB: 6, throughput: 5, aliases: ["gtx1660ti", "1660ti"]),
        GPUModel(
            id: "gtx-1660-super", name: "GTX 1660 SUPER", vramGB: 6, throughput: 4.8,
            aliases: ["gtx1660s", "gtx1660super", "1660s", "1660super"]),
        GPUModel(id: "gtx-1660", name: "GTX 1660", vramGB: 6, throughput: 4.5, aliases: ["gtx1660", "1660"]),
        GPUModel(
            id: "gtx-1650-super", name: "GTX 1650 SUPER", vramGB: 4, throughput: 3.5,
            aliases: ["gtx1650s", "gtx1650super"]),
        GPUModel(id: "gtx-1650", name: "GTX 1650", vramGB: 4, throughput: 3, aliases: ["gtx1650", "1650"]),
        GPUModel(id: "gtx-1080-ti", name: "GTX 1080 Ti", vramGB: 11, throughput: 7, aliases: ["gtx1080ti", "1080ti"]),
        GPUModel(id: "gtx-1080", name: "GTX 1080", vramGB: 8, throughput: 5.5, aliases: ["gtx1080", "1080"]),
        GPUModel(id: "gtx-1070-ti", name: "GTX 1070 Ti", vramGB: 8, throughput: 5, aliases: ["gtx1070ti", "1070ti"]),
        GPUModel(id: "gtx-1070", name: "GTX 1070", vramGB: 8, throughput: 4.5, aliases: ["gtx1070", "1070"]),
        GPUModel(id: "gtx-1060", name: "GTX 1060", vramGB: 6, throughput: 3, aliases: ["gtx1060", "1060"]),
        GPUModel(id: "gtx-1050-ti", name: "GTX 1050 Ti", vramGB: 4, throughput: 1.5, aliases: ["gtx1050ti", "1050ti"]),
        // AMD, more: Instinct accelerators and Radeon cards since 2018.
        GPUModel(id: "mi355x", name: "MI355X", vramGB: 288, throughput: 420, aliases: ["mi355x"]),
        GPUModel(id: "mi350x", name: "MI350X", vramGB: 288, throughput: 400, aliases: ["mi350x"]),
        GPUModel(id: "mi325x", name: "MI325X", vramGB: 256, throughput: 300, aliases: ["mi325x"]),
        GPUModel(id: "mi300a", name: "MI300A", vramGB: 128, throughput: 250, aliases: ["mi300a"]),
        GPUModel(id: "mi210", name: "MI210", vramGB: 64, throughput: 60, aliases: ["mi210"]),
        GPUModel(id: "mi100", name: "MI100", vramGB: 32, throughput: 40, aliases: ["mi100"]),
        GPUModel(id: "mi60", name: "MI60", vramGB: 32, throughput: 13, aliases: ["mi60"]),
        GPUModel(id: "mi50", name: "MI50", vramGB: 16, throughput: 12, aliases: ["mi50"]),
        GPUModel(
            id: "radeon-pro-w7900", name: "Radeon PRO W7900", vramGB: 48, throughput: 50,
            aliases: ["prow7900", "w7900"]),
        GPUModel(
            id: "radeon-pro-w7800", name: "Radeon PRO W7800", vramGB: 32, throughput: 38,
            aliases: ["prow7800", "w7800"]),
        GPUModel(
            id: "radeon-pro-w6800", name: "Radeon PRO W6800", vramGB: 32, throughput: 14,
            aliases: ["prow6800", "w6800"]),
        GPUModel(
            id: "rx-9070-xt", name: "Radeon RX 9070 XT", vramGB: 16, throughput: 40, aliases: ["rx9070xt", "9070xt"]),
        GPUModel(id: "rx-9070", name: "Radeon RX 9070", vramGB: 16, throughput: 34, aliases: ["rx9070", "9070"]),
        GPUModel(
            id: "rx-7900-xtx", name: "Radeon RX 7900 XTX", vramGB: 24, throughput: 45,
            aliases: ["rx7900xtx", "7900xtx"]),
        GPUModel(
            id: "rx-7900-xt", name: "Radeon RX 7900 XT", vramGB: 20, throughput: 38, aliases: ["rx7900xt", "7900xt"]),
        GPUModel(
            id: "rx-7900-gre", name: "Radeon RX 7900 GRE", vramGB: 16, throughput: 30,
            aliases: ["rx7900gre", "7900gre"]),
        GPUModel(
            id: "rx-7800-xt", name: "Radeon RX 7800 XT", vramGB: 16, throughput: 24, aliases: ["rx7800xt", "7800xt"]),
        GPUModel(
            id: "rx-7700-xt", name: "Radeon RX 7700 XT", vramGB: 12, throughput: 19, aliases: ["rx7700xt", "7700xt"]),
        GPUModel(id: "rx-7600", name: "Radeon RX 7600", vramGB: 8, throughput: 12, aliases: ["rx7600", "7600"]),
        GPUModel(
            id: "rx-6950-xt", name: "Radeon RX 6950 XT", vramGB: 16, throughput: 16, aliases: ["rx6950xt", "6950xt"]),
        GPUModel(
            id: "rx-6900-xt", name: "Radeon RX 6900 XT", vramGB: 16, throughput: 15, aliases: ["rx6900xt", "6900xt"]),
        GPUModel(
            id: "rx-6800-xt", name: "Radeon RX 6800 XT", vramGB: 16, throughput: 14, aliases: ["rx6800xt", "6800xt"]),
        GPUModel(id: "rx-6800", name: "Radeon RX 6800", vramGB: 16, throughput: 12, aliases: ["rx6800", "6800"]),
        GPUModel(
            id: "rx-6700-xt", name: "Radeon RX 6700 XT", vramGB: 12, throughput: 9, aliases: ["rx6700xt", "6700xt"]),
        GPUModel(
            id: "rx-5700-xt", name: "Radeon RX 5700 XT", vramGB: 8, throughput: 6, aliases: ["rx5700xt", "5700xt"]),
        GPUModel(id: "radeon-vii", name: "Radeon VII", vramGB: 16, throughput: 10, aliases: ["vii", "radeonvii"]),
    ]
}
