# docket-hook against the real docketd, an HTTP receiver and an SMTP server (Python scripts
# here: hook_receiver.py, and hook_smtp.py on Debian's python3-aiosmtpd).
# Debian's interpreter, where python3-aiosmtpd is installed, rather than another on PATH.
find_program(DOCKET_HOOK_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT DOCKET_HOOK_PYTHON)
  find_program(DOCKET_HOOK_PYTHON python3 REQUIRED)
endif()

docket_integration_test(test_hook)
add_dependencies(test_hook docket_hook)
target_compile_definitions(test_hook PRIVATE
                           DOCKET_HOOK_PATH="$<TARGET_FILE:docket_hook>"
                           HOOK_PYTHON="${DOCKET_HOOK_PYTHON}"
                           HOOK_SCRIPTS="${CMAKE_CURRENT_SOURCE_DIR}")
# The test checks the signatures itself, with libsodium.
target_link_libraries(test_hook PRIVATE PkgConfig::SODIUM)
