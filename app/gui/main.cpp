// sieve-workbench: the Qt desktop workbench.
#include <QApplication>
#include <QMainWindow>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Sieve Workbench");
    QMainWindow window;
    window.setWindowTitle(QObject::tr("Sieve Workbench"));
    window.show();
    return app.exec();
}
