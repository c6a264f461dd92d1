# Helpers of the CLI test scripts (cmake -P): run tintbench-cli (${CLI}) and check its output.
# run_cli(args...) fails the test on a non-zero exit and keeps the output in `last_output`.
function(run_cli)
    execute_process(COMMAND ${CLI} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "tintbench-cli ${ARGN}\n${out}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "tintbench-cli ${ARGN} failed (${rc}):\n${err}")
    endif()
    set(last_output "${out}" PARENT_SCOPE)
endfunction()

# expect_output(text): the last run_cli output contains `text`.
function(expect_output needle)
    string(FIND "${last_output}" "${needle}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "expected '${needle}' in the output")
    endif()
endfunction()
