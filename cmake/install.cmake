# What "cmake --install" puts beside the programs and the library (which their own
# directories install): the RUNPATH that lets the programs find libdocket from any prefix,
# the pkg-config file and CMake package of libdocket, the systemd units, the sysusers file,
# the example configuration, the shell completion and the protocol.
#
# Paths stay relative to the prefix wherever GNUInstallDirs allows, so that
# "cmake --install BUILD --prefix DIR" puts everything under DIR. The exceptions follow
# GNUInstallDirs: configured for /usr, the configuration goes to /etc.

include(CMakePackageConfigHelpers)

# A directory GNUInstallDirs places outside the prefix (/etc for /usr) is used as it is;
# any other stays relative, and follows an install-time --prefix.
function(docket_install_dir out rel full)
  if(IS_ABSOLUTE "${rel}" OR NOT full STREQUAL "${CMAKE_INSTALL_PREFIX}/${rel}")
    set(${out} "${full}" PARENT_SCOPE)
  else()
    set(${out} "${rel}" PARENT_SCOPE)
  endif()
endfunction()
docket_install_dir(DOCKET_SYSCONFDIR "${CMAKE_INSTALL_SYSCONFDIR}"
                   "${CMAKE_INSTALL_FULL_SYSCONFDIR}")

# systemd reads units and sysusers files under /usr/local/lib as well as /usr/lib and /lib,
# so the prefix's lib/ suits every prefix it looks in. Debian's build names /lib/... itself.
set(DOCKET_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
    "Where the systemd units go (relative: under the prefix)")
set(DOCKET_SYSUSERSDIR "lib/sysusers.d" CACHE STRING
    "Where the sysusers.d file goes (relative: under the prefix)")
set(DOCKET_BASH_COMPLETIONDIR "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" CACHE STRING
    "Where bash completion goes (relative: under the prefix)")

# RUNPATH: docket and docket-hook find libdocket.so.0 relative to themselves ($ORIGIN), so
# an installed tree runs wherever it is put, moved or not, without LD_LIBRARY_PATH. A
# distribution installing into the loader's own directories turns it off.
if(DOCKET_INSTALL_RPATH)
  # Relative to a root standing for the prefix; absolute directories compare as they are.
  foreach(d BINDIR LIBDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${d}}")
      set(_dir_${d} "${CMAKE_INSTALL_${d}}")
    else()
      set(_dir_${d} "/prefix/${CMAKE_INSTALL_${d}}")
    endif()
  endforeach()
  file(RELATIVE_PATH _bin_to_lib "${_dir_BINDIR}" "${_dir_LIBDIR}")
  set_target_properties(docket_cli docket_hook PROPERTIES
                        INSTALL_RPATH "$ORIGIN/${_bin_to_lib}")
endif()

# pkg-config: libdocket.pc finds the prefix from its own place (pcfiledir), so a moved tree
# still builds. Under /usr the prefix is written out, so that pkg-config recognises the
# system's include and library directories and leaves them off the command line.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(DOCKET_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _pc_to_prefix "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" _pc_to_prefix "${_pc_to_prefix}")
  set(DOCKET_PC_PREFIX "\${pcfiledir}/${_pc_to_prefix}")
endif()
foreach(d LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${d}}")
    set(DOCKET_PC_${d} "${CMAKE_INSTALL_${d}}")
  else()
    set(DOCKET_PC_${d} "\${prefix}/${CMAKE_INSTALL_${d}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/libdocket.pc.in
               ${PROJECT_BINARY_DIR}/libdocket.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/libdocket.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The CMake package: find_package(docket CONFIG) gives the target docket::docket.
set(DOCKET_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/docket")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/docketConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/docketConfig.cmake
                              INSTALL_DESTINATION ${DOCKET_CMAKEDIR})
# The soname stays libdocket.so.0 while the API only grows: any 0.x satisfies 0.y, y <= x.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/docketConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(EXPORT docketTargets NAMESPACE docket:: DESTINATION ${DOCKET_CMAKEDIR})
install(FILES ${PROJECT_BINARY_DIR}/docketConfig.cmake
              ${PROJECT_BINARY_DIR}/docketConfigVersion.cmake
        DESTINATION ${DOCKET_CMAKEDIR})

# The units name the programs and the configuration by their Debian paths; an install
# elsewhere gets its own, so that the units it installs start what it installed.
set(_units docketd.service docketd.socket docket-hook.service)
foreach(unit ${_units})
  set(_src ${PROJECT_SOURCE_DIR}/systemd/${unit})
  # A unit missing here is missing from the install too: "cmake --install" fails on it.
  if(EXISTS ${_src})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_src})
    file(READ ${_src} _text)
    string(REPLACE "/usr/sbin/" "${CMAKE_INSTALL_FULL_SBINDIR}/" _text "${_text}")
    string(REPLACE "/usr/bin/" "${CMAKE_INSTALL_FULL_BINDIR}/" _text "${_text}")
    string(REPLACE "/etc/docket/" "${CMAKE_INSTALL_FULL_SYSCONFDIR}/docket/" _text "${_text}")
    file(WRITE ${PROJECT_BINARY_DIR}/systemd/${unit} "${_text}")
  else()
    message(WARNING "systemd/${unit} is missing: it cannot be installed")
  endif()
  install(FILES ${PROJECT_BINARY_DIR}/systemd/${unit} DESTINATION ${DOCKET_SYSTEMD_UNITDIR})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/systemd/docket.sysusers DESTINATION ${DOCKET_SYSUSERSDIR}
        RENAME docket.conf)

# The commented examples, as the configuration. docket-hook's will hold webhook secrets:
# root and its group only.
install(FILES ${PROJECT_SOURCE_DIR}/etc/docketd.conf DESTINATION ${DOCKET_SYSCONFDIR}/docket)
install(FILES ${PROJECT_SOURCE_DIR}/etc/docket-hook.conf DESTINATION ${DOCKET_SYSCONFDIR}/docket
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# One file for the three programs, under each name: bash-completion loads a program's file
# when its name is first completed.
foreach(program docket docketd docket-hook)
  install(FILES ${PROJECT_SOURCE_DIR}/completion/docket.bash
          DESTINATION ${DOCKET_BASH_COMPLETIONDIR} RENAME ${program})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/proto/PROTOCOL.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
