# distill and export through tintbench-cli on a two-class flower project with the shipped ImageNet
# MobileNetV2 as teacher: a run folder with metrics, an ONNX file checked against LibTorch, and
# clear refusals. Run with -DCLI=<tintbench-cli> -DPHOTOS=<demo flowers> -DWORK=<scratch folder>.
include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(P ${WORK}/two.tintproj)
run_cli(new --project ${P})
foreach(cls daisy roses)
    file(GLOB photos ${PHOTOS}/${cls}/*.jpg)
    list(SORT photos)
    list(SUBLIST photos 0 3 photos)
    run_cli(import --project ${P} --class ${cls} ${photos})
endforeach()
run_cli(distill --project ${P} --run r1 --classic 4 --epochs 2 --input-size 32 --width 0.25 --batch 8
        --validation ${PHOTOS} --threads 2)
expect_output("14 training images")
expect_output("epoch 2: loss")
expect_output("validation accuracy")
expect_output("teacher accuracy on the validation folder")
foreach(f config.json checkpoint.safetensors metrics.json)
    if(NOT EXISTS ${P}/runs/r1/${f})
        message(FATAL_ERROR "distill did not write runs/r1/${f}")
    endif()
endforeach()
run_cli(export --project ${P} --run r1 --out ${WORK}/student.onnx)
expect_output("OpenCV dnn matches LibTorch on 6 images")
if(NOT EXISTS ${WORK}/student.onnx)
    message(FATAL_ERROR "export wrote nothing")
endif()
# A run that does not exist, and a changed setting on an existing run, are refused by name.
execute_process(COMMAND ${CLI} export --project ${P} --run nope --out ${WORK}/x.onnx RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "nope" OR EXISTS ${WORK}/x.onnx)
    message(FATAL_ERROR "export of a missing run was not refused by name: ${err}")
endif()
execute_process(COMMAND ${CLI} distill --project ${P} --run r1 --epochs 3 RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "other settings")
    message(FATAL_ERROR "resuming a run with other settings was not refused: ${err}")
endif()
# Resuming with only --run takes the run's own settings (not the defaults); the validation folder
# given again with another spelling of the same place is accepted.
run_cli(distill --project ${P} --run r1 --threads 2)
expect_output("resuming run r1")
get_filename_component(photos_parent ${PHOTOS} DIRECTORY)
get_filename_component(photos_name ${PHOTOS} NAME)
execute_process(COMMAND ${CLI} distill --project ${P} --run r1 --validation ${photos_name}/ --threads 2
                WORKING_DIRECTORY ${photos_parent} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "resuming run r1")
    message(FATAL_ERROR "resuming with the validation folder spelt relatively was refused (rc ${rc}): ${err}")
endif()
# The ImageNet-initialised MobileNetV2 student on the teacher's ImageNet logits, exported.
run_cli(distill --project ${P} --run r2 --classic 2 --epochs 1 --input-size 32 --batch 8 --student mobilenetv2
        --student-init imagenet --teacher-features logits --threads 2)
expect_output("epoch 1: loss")
file(READ ${P}/runs/r2/config.json r2cfg)
if(NOT r2cfg MATCHES "\"student_init\": \"imagenet\"" OR NOT r2cfg MATCHES "\"teacher_features\": \"logits\"")
    message(FATAL_ERROR "runs/r2/config.json does not record the initialisation and the teacher features:\n${r2cfg}")
endif()
run_cli(export --project ${P} --run r2 --out ${WORK}/student2.onnx)
expect_output("OpenCV dnn matches LibTorch")
execute_process(COMMAND ${CLI} distill --project ${P} --run r3 --student conv4 --student-init imagenet
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "only for the MobileNetV2")
    message(FATAL_ERROR "ImageNet initialisation of a Conv-4 student was not refused: ${err}")
endif()
# The teacher's last block fine-tuned on the supports first; a resumed run reads the same tail back.
run_cli(distill --project ${P} --run r4 --classic 2 --epochs 1 --input-size 32 --width 0.25 --batch 8
        --teacher-finetune 1 --teacher-finetune-steps 3 --threads 2)
expect_output("teacher: last 1 blocks fine-tuned on the supports (3 steps")
if(NOT EXISTS ${P}/runs/r4/teacher-finetuned.safetensors)
    message(FATAL_ERROR "distill --teacher-finetune did not keep the fine-tuned tail in runs/r4")
endif()
file(READ ${P}/runs/r4/config.json r4cfg)
if(NOT r4cfg MATCHES "\"teacher_finetune_blocks\": 1")
    message(FATAL_ERROR "runs/r4/config.json does not record the fine-tuning:\n${r4cfg}")
endif()
run_cli(distill --project ${P} --run r4 --classic 2 --epochs 1 --input-size 32 --width 0.25 --batch 8
        --teacher-finetune 1 --teacher-finetune-steps 3 --threads 2)
expect_output("fine-tuned last 1 blocks read from teacher-finetuned.safetensors")
execute_process(COMMAND ${CLI} distill --project ${P} --run r5 --teacher-finetune 30 --epochs 1 RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "cannot fine-tune 30 blocks; it has 17")
    message(FATAL_ERROR "fine-tuning more blocks than the teacher has was not refused: ${err}")
endif()
if(EXISTS ${P}/runs/r5)
    message(FATAL_ERROR "a refused run left runs/r5 behind")
endif()
# The feature term on the teacher's own views: the teacher's features are computed, the run's
# config records both settings, and a negative weight is refused before any run folder exists.
run_cli(distill --project ${P} --run r6 --classic 2 --epochs 1 --input-size 32 --width 0.25 --batch 8
        --feature-weight 1.5 --no-augment --threads 2)
expect_output("the teacher's features of the training images")
expect_output("soft labels and teacher features computed")
# Run again (the finished run resumes): the features come from the cache with the soft labels.
run_cli(distill --project ${P} --run r6 --classic 2 --epochs 1 --input-size 32 --width 0.25 --batch 8
        --feature-weight 1.5 --no-augment --threads 2)
expect_output("soft labels and teacher features read from the cache")
file(READ ${P}/runs/r6/config.json cfg6)
if(NOT cfg6 MATCHES "\"feature_weight\": *1.5" OR NOT cfg6 MATCHES "\"train_augment\": *false")
    message(FATAL_ERROR "runs/r6/config.json does not record the feature term and the augmentation switch: ${cfg6}")
endif()
execute_process(COMMAND ${CLI} distill --project ${P} --run r7 --feature-weight -1 --epochs 1 RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "feature weight must be 0 or positive" OR EXISTS ${P}/runs/r7)
    message(FATAL_ERROR "a negative feature weight was not refused cleanly (rc ${rc}): ${err}")
endif()

# The short MobileNetV2 from ImageNet with stage matching: trains, exports, and the stage matching
# is refused for a student it does not apply to, before any run folder exists.
run_cli(distill --project ${P} --run r8 --student mobilenetv2-short --student-init imagenet --stage-match 1
        --classic 2 --epochs 1 --input-size 32 --batch 8 --threads 2)
file(READ ${P}/runs/r8/config.json cfg8)
if(NOT cfg8 MATCHES "\"stage_match_epochs\": *1" OR NOT cfg8 MATCHES "mobilenetv2-short")
    message(FATAL_ERROR "runs/r8/config.json does not record the short student and its stage matching: ${cfg8}")
endif()
run_cli(export --project ${P} --run r8 --out ${WORK}/short.onnx)
expect_output("OpenCV dnn matches LibTorch")
execute_process(COMMAND ${CLI} distill --project ${P} --run r9 --student conv4 --stage-match 2 --epochs 1
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "stage matching needs the short MobileNetV2" OR EXISTS ${P}/runs/r9)
    message(FATAL_ERROR "stage matching for Conv-4 was not refused cleanly (rc ${rc}): ${err}")
endif()

# Run names stay inside runs/; numbers are whole; an output folder that does not exist is refused
# before any work.
execute_process(COMMAND ${CLI} distill --project ${P} --run ../escaped --epochs 1 RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "is not a run name" OR EXISTS ${P}/escaped OR EXISTS ${P}/runs/escaped)
    message(FATAL_ERROR "a run name leaving runs/ was not refused cleanly (rc ${rc}): ${err}")
endif()
execute_process(COMMAND ${CLI} export --project ${P} --run /tmp --out ${WORK}/y.onnx RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "is not a run name" OR EXISTS ${WORK}/y.onnx)
    message(FATAL_ERROR "an absolute run name was not refused on export (rc ${rc}): ${err}")
endif()
foreach(bad "--threads;abc" "--threads;0" "--seed;-1" "--seed;12abc" "--lr;nan" "--epochs;2.5")
    execute_process(COMMAND ${CLI} distill --project ${P} --run rbad ${bad} RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(rc EQUAL 0 OR NOT err MATCHES "needs a" OR EXISTS ${P}/runs/rbad)
        message(FATAL_ERROR "'${bad}' was not refused as a number (rc ${rc}): ${err}")
    endif()
endforeach()

# The command line is checked against the command: a stray word (an unquoted prompt), an option
# of another command, an option where a value belongs and a repeated option are refused before
# any work; --help prints the command's usage on stdout with exit code 0.
foreach(case "distill;--project;${P};--run;rw;--epochs;1;extra|unexpected word 'extra'"
             "distill;--project;${P};--run;rw;--alpha;2|option --alpha does not apply to distill"
             "distill;--project;--run;rw|option --project needs a value, not the option --run"
             "distill;--project;${P};--run;rw;--epochs;1;--epochs;2|option --epochs is given twice"
             "distill;--project;${P};--run;rw;--epochs|option --epochs needs a value"
             "info;--project;${P};--frobnicate|unknown option --frobnicate"
             "import;--project;${P};--folders;${PHOTOS};--class;daisy|leave out --class and files")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_BACK parts expected)
    execute_process(COMMAND ${CLI} ${parts} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
    if(rc EQUAL 0 OR NOT err MATCHES "${expected}" OR EXISTS ${P}/runs/rw)
        message(FATAL_ERROR "'${parts}' was not refused with '${expected}' (rc ${rc}): ${err}")
    endif()
endforeach()
execute_process(COMMAND ${CLI} distill --project ${P} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "distill --project DIR" OR out MATCHES "benchmark \\[")
    message(FATAL_ERROR "distill --help did not print the distill usage alone (rc ${rc}): ${out}${err}")
endif()
execute_process(COMMAND ${CLI} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "benchmark \\[" OR NOT out MATCHES "export-token")
    message(FATAL_ERROR "--help did not print the whole usage (rc ${rc}): ${out}")
endif()
execute_process(COMMAND ${CLI} frobnicate RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "unknown command 'frobnicate'")
    message(FATAL_ERROR "an unknown command did not exit with 2 (rc ${rc}): ${err}")
endif()

# Settings that cannot work are refused before a run folder exists or the teacher is loaded: a
# misspelt student or head, a learning rate of 0, a validation folder that does not exist.
foreach(case "--student;resnt12|unknown student 'resnt12'" "--head;foo|foo" "--lr;0|learning rate must be a positive"
             "--temperature;0|temperature must be a positive" "--ce-weight;-1|cross-entropy weight"
             "--validation;${WORK}/no-such-folder|no-such-folder")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_BACK parts expected)
    execute_process(COMMAND ${CLI} distill --project ${P} --run rearly --epochs 1 ${parts} RESULT_VARIABLE rc
                    ERROR_VARIABLE err OUTPUT_VARIABLE out)
    if(rc EQUAL 0 OR NOT err MATCHES "${expected}" OR EXISTS ${P}/runs/rearly OR out MATCHES "training images")
        message(FATAL_ERROR "distill ${parts} was not refused before any work with '${expected}' (rc ${rc}): ${err}")
    endif()
endforeach()
execute_process(COMMAND ${CLI} benchmark --episodes 1 --out ${WORK}/missing/r.json RESULT_VARIABLE rc ERROR_VARIABLE err
                OUTPUT_VARIABLE out)
if(rc EQUAL 0 OR NOT err MATCHES "the folder '.*missing' does not exist" OR out MATCHES "episode")
    message(FATAL_ERROR "benchmark --out into a missing folder was not refused up front (rc ${rc}): ${err}")
endif()

# A class added after training: the run's student keeps the classes it was trained on, in order,
# in the exported file's metadata.
file(GLOB tulips ${PHOTOS}/tulips/*.jpg)
list(SORT tulips)
list(SUBLIST tulips 0 2 tulips)
run_cli(import --project ${P} --class tulips ${tulips})
run_cli(export --project ${P} --run r1 --out ${WORK}/after-new-class.onnx)
expect_output("outputs, in order: daisy, roses")
file(STRINGS ${WORK}/after-new-class.onnx onnx_text)
if(NOT onnx_text MATCHES "roses" OR onnx_text MATCHES "tulips")
    message(FATAL_ERROR "the ONNX metadata does not name the run's own classes")
endif()

message(STATUS "cli distill flow: ok")
