import Brokerage
import Foundation
import TestSupport
import Testing

@Suite("Canonical GPU models")
struct MarketGPUModelTests {
    @Test(arguments: [
        ("RTX 4090", "rtx-4090"), ("NVIDIA GeForce RTX 4090", "rtx-4090"), ("4090", "rtx-4090"),
        ("GeForce RTX 4090 24GB", "rtx-4090"), ("H100 SXM5 80GB", "h100-sxm"), ("H100 SXM", "h100-sxm"),
        ("NVIDIA H100 80GB HBM3", "h100-sxm"), ("H100 PCIE", "h100-pcie"), ("H100 NVL", "h100-nvl"),
        ("A100 SXM4", "a100-sxm"), ("A100 PCIE", "a100-pcie"), ("RTX 4080S", "rtx-4080-super"),
        ("RTX 4080 SUPER", "rtx-4080-super"), ("RTX 6000Ada", "rtx-6000-ada"), ("Tesla T4", "t4"),
        ("RTX A6000", "rtx-a6000"), ("Titan Xp", "titan-xp"), ("RTX 3060 Ti", "rtx-3060-ti"),
    ])
    func providerSpellingsMapToOneModel(name: String, id: String) {
        #expect(GPUModel.canonical(name: name)?.id == id)
    }

    @Test func variantsStayApart() {
        let sxm = GPUModel.canonical(name: "H100 SXM5 80GB")
        let pcie = GPUModel.canonical(name: "H100 PCIe")
        let nvl = GPUModel.canonical(name: "H100 NVL")
        #expect(sxm != nil && pcie != nil && nvl != nil)
        #expect(Set([sxm, pcie, nvl].compactMap { $0?.id }).count == 3)
    }

    @Test func bareAmbiguousNameIsNotGuessedButInterfaceResolvesIt() {
        #expect(GPUModel.canonical(name: "H100") == nil)
        #expect(GPUModel.canonical(name: "h100", interface: "SXM5")?.id == "h100-sxm")
        #expect(GPUModel.canonical(name: "h100", interface: "PCIe")?.id == "h100-pcie")
        // An interface on a single-variant card is ignored.
        #expect(GPUModel.canonical(name: "rtx4090", interface: "PCIe")?.id == "rtx-4090")
    }

    @Test("the memory size a name states, in any of the spellings providers use; none when it states none")
    func memoryInNames() {
        #expect(GPUModel.memoryGB(in: "H100 80GB SXM5") == 80)
        #expect(GPUModel.memoryGB(in: "A40 48GiB") == 48 && GPUModel.memoryGB(in: "L40S-48Gi") == 48)
        #expect(GPUModel.memoryGB(in: "RTX 4090 24g") == 24)
        #expect(GPUModel.memoryGB(in: "RTX 4090") == nil && GPUModel.memoryGB(in: "RTX 9090 Z") == nil)
    }

    @Test func unknownNamesAreNil() {
        #expect(GPUModel.canonical(name: "Voodoo 2") == nil)
        #expect(GPUModel.canonical(name: "") == nil)
    }

    @Test func catalogIdsAreUniqueAndEveryModelFindsItself() {
        #expect(Set(GPUModel.catalog.map(\.id)).count == GPUModel.catalog.count)
        for model in GPUModel.catalog {
            #expect(GPUModel.lookup(model.id) == model)
            #expect(GPUModel.canonical(name: model.name) == model, "display name \(model.name) must be an alias")
            #expect((model.throughput ?? 0) > 0, "\(model.id) has a per-GPU baseline")
            #expect(model.vramGB > 0, "\(model.id) has its memory")
        }
    }

    @Test func everyGPUNameInTheRealVastSampleIsKnown() throws {
        let names = try VastSample.gpuNames()
        #expect(names.count >= 15)
        for name in names { #expect(GPUModel.canonical(name: name) != nil, "unmapped Vast name \(name)") }
    }
}

/// The GPU names of the 40 real Vast offers in `Tests/Fixtures`.
enum VastSample {
    static func gpuNames() throws -> Set<String> {
        let data = try Fixtures.vastSample()
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let offers = object?["offers"] as? [[String: Any]] ?? []
        return Set(offers.compactMap { $0["gpu_name"] as? String })
    }
}
