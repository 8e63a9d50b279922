// Links libaoscomm (shared, static, or via pkg-config) and uses the C++ wrapper without a cloud.
#include <aoscomm.hpp>

#include <cstdio>

int main() {
  std::string v = aoscomm::version();
  if (v.empty()) {
    std::fprintf(stderr, "empty version\n");
    return 1;
  }
  aoscomm::Config cfg;
  cfg.system_id("smoke-unit").response_timeout(std::chrono::seconds(5));
  // A setting the library must reject: not UTF-8.
  try {
    cfg.system_id(std::string_view("\xff\xfe", 2));
    std::fprintf(stderr, "non-UTF-8 system id accepted\n");
    return 1;
  } catch (const aoscomm::Error& e) {
    if (e.code() != aoscomm::Result::InvalidArgument) {
      std::fprintf(stderr, "unexpected error: %s\n", e.what());
      return 1;
    }
  }
  std::printf("aoscomm %s OK\n", v.c_str());
  return 0;
}
