package dev.nightbench.telemetry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading /proc/cpuinfo and /proc/meminfo as x86 and ARM kernels write them, and this machine as it is. */
class HostEnvironmentTest {

    @Test
    void x86CpuinfoGivesTheModelName() {
        String cpuinfo = """
                processor\t: 0
                vendor_id\t: GenuineIntel
                model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
                
                processor\t: 1
                model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
                """;
        assertThat(HostEnvironment.cpuModel(cpuinfo)).isEqualTo("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz");
    }

    @Test
    void armCpuinfoFallsBackToHardware() {
        String cpuinfo = """
                processor\t: 0
                BogoMIPS\t: 108.00
                CPU implementer\t: 0x41
                
                Hardware\t: BCM2835
                Model\t\t: Raspberry Pi 4 Model B Rev 1.4
                """;
        assertThat(HostEnvironment.cpuModel(cpuinfo)).isEqualTo("BCM2835");
        assertThat(HostEnvironment.cpuModel("processor : 0\n")).isNull();
    }

    @Test
    void meminfoTotalInMegabytes() {
        assertThat(HostEnvironment.memoryTotalMb("MemTotal:       16318420 kB\nMemFree:         1234 kB\n"))
                .isEqualTo(15935L);
        assertThat(HostEnvironment.memoryTotalMb("MemFree: 1 kB\n")).isNull();
    }

    @Test
    void thisMachine() {
        HostEnvironment h = HostEnvironment.probe(""); // no PATH: no nvidia-smi
        assertThat(h.cpuCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(h.jvmVersion()).contains(System.getProperty("java.runtime.version"));
        assertThat(h.gpuName()).isNull();
        assertThat(h.gpuDriver()).isNull();
    }
}
