from qidose.cli import main

main()
