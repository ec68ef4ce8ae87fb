// CPU time and memory of processes on this machine, from getrusage and /proc (Linux). The
// load generator shares the machine with the node it measures, so a report says who used
// the CPU during the run: the node, the load generator, or anything else.
#pragma once

#include <optional>
#include <string>

namespace telco::bench {

// User + system CPU seconds of this process.
double cpu_seconds_self();
// Of another process (utime + stime from /proc/PID/stat); nullopt if it cannot be read.
std::optional<double> cpu_seconds_of(int pid);
// A "Vm...:  N kB" field of /proc/PID/status (e.g. "VmRSS", "VmHWM"), in MiB.
std::optional<double> status_mib(int pid, const std::string& field);
// Busy CPU seconds of the whole machine since boot, all cores (idle and iowait excluded).
std::optional<double> machine_busy_seconds();

}  // namespace telco::bench
